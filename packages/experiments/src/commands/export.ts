/** `losslab export <run>`: a run's trained weights (and running state) as .safetensors with PyTorch's state-dict names. */
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { engineStateTensors } from '../export/engine-state.ts';
import { encodeSafetensors } from '../export/safetensors.ts';
import { readState } from '../study/state.ts';
import { readStudy, type StudyRun } from '../study/study-file.ts';
import { readStatusOrNull } from '../study/status.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { UsageError } from '../util/errors.ts';
import { resolveInside } from '../util/inside.ts';
import { reportError } from './errors.ts';
import { DATASETS, DEFAULT_DATASET, inputShape } from '../data/index.ts';
import pkg from '../../package.json' with { type: 'json' };

export interface ExportOptions {
  run?: string;
  out?: string;
}

/** The state file to export: `target` itself, or a run of the study folder `target` (by id, or the only one). */
async function locateRun(target: string, o: ExportOptions): Promise<{ stateFile: string; run: StudyRun | null; dir: string | null }> {
  const s = await stat(target).catch(() => null);
  if (!s) throw new UsageError(`${target}: no such file or folder`);
  if (s.isFile()) {
    const dir = dirname(dirname(target));
    const study = await readStudy(dir).catch(() => null);
    const run = study?.runs.find((r) => join(dir, r.state) === join(target)) ?? null;
    return { stateFile: target, run, dir: study ? dir : null };
  }
  const study = await readStudy(target);
  if (!study) throw new UsageError(`${target} holds no study.json: give a study folder (with --run) or a <Label>_state.bin file`);
  const ids = study.runs.map((r) => r.id);
  const run = o.run ? study.runs.find((r) => r.id === o.run) : study.runs.length === 1 ? study.runs[0] : undefined;
  if (!run) throw new UsageError(o.run ? `${target} has no run '${o.run}' (runs: ${ids.join(', ')})` : `${target} has ${ids.length} runs: choose one with --run (${ids.join(', ')})`);
  return { stateFile: await resolveInside(target, run.state), run, dir: target };
}

export async function exportCommand(target: string, o: ExportOptions): Promise<number> {
  try {
    const { stateFile, run, dir } = await locateRun(target, o);
    const saved = await readState(stateFile).catch((e: Error) => {
      throw new UsageError(e.message);
    });
    if (!saved) throw new UsageError(`${stateFile}: no such file (the run has not completed an epoch)`);
    // The model's shapes follow its data set: study.json's record of it, else the registered one (CIFAR-10 before the dataset axis).
    const study = dir ? await readStudy(dir) : null;
    const dataset = run?.dataset ?? DEFAULT_DATASET;
    const spec = study?.datasets?.[dataset] ?? DATASETS[dataset];
    if (!spec) throw new UsageError(`${stateFile}: the run's data set ${dataset} is not recorded in study.json; cannot tell the model's shapes`);
    const { arch, tensors } = engineStateTensors(saved.engine, spec.classNames.length, inputShape(spec));
    const status = run && dir ? await readStatusOrNull(await resolveInside(dir, run.statusFile)) : null;
    const metadata: Record<string, string> = { format: 'pt', producer: `losslab ${pkg.version}`, arch, epoch: String(saved.epoch) };
    if (run) Object.assign(metadata, { run: run.id, loss: run.loss, seed: String(run.seed), data: run.data, dataset, epochs: String(run.epochs) });
    if (status) metadata.status = status.status;
    const out = o.out ?? join(dirname(stateFile), `${basename(stateFile).replace(/_state\.bin$/, '')}_weights.safetensors`);
    await writeFileAtomic(out, encodeSafetensors(tensors, metadata));
    const where = status && status.status !== 'done' ? ` — note: the run is ${status.status}, these are its weights after epoch ${saved.epoch}` : '';
    process.stderr.write(`wrote ${out}: ${tensors.length} tensors of ${arch} (${tensors.map((t) => t.name).join(', ')}), epoch ${saved.epoch}${where}\n`);
    return 0;
  } catch (e) {
    return reportError('export', e);
  }
}

export function registerExport(program: Command, setExit: (code: number) => void): void {
  program
    .command('export')
    .description("write a run's trained weights (and running state) as .safetensors with PyTorch's state-dict names")
    .argument('<run>', 'a study folder (with --run ID unless it has one run) or a <Label>_state.bin file')
    .option('--run <id>', 'the run in the study folder, e.g. clean_convnet_ce_s0 (see `losslab run --list`)')
    .option('--out <file>', 'output file (default: <Label>_weights.safetensors beside the state file)')
    .action(async (target: string, o: ExportOptions) => setExit(await exportCommand(target, o)));
}
