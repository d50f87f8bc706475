/** `losslab run`: the study (or the selected cells of its grid). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { resolveConfig, LOSS_NAMES_HELP, type RunFlags } from '../config/index.ts';
import { DATASETS, DEFAULT_DATASET } from '../data/index.ts';
import { jsonReporter } from '../progress/json.ts';
import { ttyReporter } from '../progress/tty.ts';
import { expandGrid, preflight, runFiles, runStudy, selectCells, type StopSignal } from '../study/index.ts';
import { groupingEngine } from '../study/runner.ts';
import { parseLockstep, planGroups } from '../study/groups.ts';
import { ensureWritableDir, removeIfEmpty } from '../util/out-dir.ts';
import { gitCommit, versions } from '../study/meta.ts';
import type { EngineHandle, EngineProvider } from './engine.ts';
import { reportError } from './errors.ts';
import { TERMINAL } from '../study/status.ts';
import { UsageError } from '../util/errors.ts';
import { decimal } from '../util/decimal.ts';
import { resumeCommand } from './resume-hint.ts';

export interface RunOptions extends RunFlags {
  cell?: string;
  shard?: string;
  resume?: boolean;
  json?: boolean;
  dataDir?: string;
  list?: boolean;
  lockstep?: string;
  group?: string;
}

export interface RunDeps {
  engine: EngineProvider;
  env?: NodeJS.ProcessEnv;
}

export async function runCommand(o: RunOptions, deps: RunDeps): Promise<number> {
  const reporter = o.json ? jsonReporter() : ttyReporter();
  const log = o.json ? (l: string) => process.stderr.write(l + '\n') : (l: string) => reporter.info(l);
  let created: string[] = [];
  try {
    if (o.dataDir === '') throw new UsageError('--data-dir needs a folder, got an empty name');
    const config = await resolveConfig(o);
    const grid = expandGrid(config);
    const lockstep = parseLockstep(o.lockstep);
    if (o.group !== undefined && (o.cell !== undefined || o.shard !== undefined)) throw new UsageError('give --group, --cell or --shard, not several');
    if (o.group !== undefined && !/^\d+$/.test(o.group.trim())) throw new UsageError(`--group must be a group index (0, 1, …), got '${o.group}'`);
    if (o.group !== undefined && o.list) throw new UsageError('--list shows cells; a run without --group prints its lockstep groups at the start');
    const sel = o.group !== undefined ? { cells: grid, how: `group ${o.group}` } : selectCells(grid, { cell: o.cell, shard: o.shard, env: deps.env ?? process.env });
    if (o.list) {
      if (o.json) {
        const cells = grid.map((c) => ({ ...c, selected: sel.cells.includes(c), files: runFiles(c) }));
        process.stdout.write(JSON.stringify({ study: config.name, outDir: config.outDir, selection: sel.how, cells }) + '\n');
        return 0;
      }
      for (const c of grid) process.stdout.write(`${sel.cells.includes(c) ? '*' : ' '} ${c.index}\t${c.id}\t${c.dir}\n`);
      process.stdout.write(`${grid.length} cells; this process would run ${sel.how}\n`);
      return 0;
    }
    const claimStaleMs = claimTimeout(deps.env ?? process.env);
    const dir = resolve(config.outDir);
    created = await ensureWritableDir(config.outDir);
    if (o.group === undefined) await preflight({ config, dir, cells: sel.cells, resume: !!o.resume });
    const stop = onInterrupt(log);
    try {
      // Every data set the selected cells train on is read and checked before any training.
      const datasets = [...new Set(sel.cells.map((c) => c.dataset))];
      const engines: Record<string, EngineHandle> = {};
      try {
        for (const d of datasets) engines[d] = await deps.engine({ dataDir: o.dataDir, dataset: d, log });
        const one = config.dataset.length === 1 ? engines[config.dataset[0]] : undefined;
        if (o.group !== undefined) {
          // A lockstep group of the whole grid, as this device groups it (give --lockstep N for indices that do not depend on the device).
          const groups = planGroups(grid, lockstep, groupingEngine(config, (d) => engines[d].factory));
          const k = Number(o.group);
          if (k >= groups.length) throw new UsageError(`--group is ${k}, but the grid makes ${groups.length} group${groups.length === 1 ? '' : 's'} (0–${groups.length - 1}) with --lockstep ${o.lockstep ?? 'auto'}`);
          sel.cells = groups[k];
          sel.how = `group ${k} of ${groups.length} (cells ${groups[k].map((c) => c.index).join(', ')})`;
          await preflight({ config, dir, cells: sel.cells, resume: !!o.resume });
        }
        const results = await runStudy(
          { config, dir, cells: sel.cells, selection: sel.how, resume: !!o.resume, reporter, stop: stop.signal, claimStaleMs, lockstep },
          engines,
          {
            versions: versions(), gitCommit: gitCommit(), classNames: one?.classNames ?? [],
            datasets: Object.fromEntries(Object.entries(engines).flatMap(([d, e]) => (e.spec ? [[d, e.spec]] : []))),
          },
        );
        if (stop.signal.requested) {
          log(`interrupted: runs stopped after their last completed epoch; continue with: ${resumeCommand(process.argv, process.env, process.cwd())}`);
          return stop.code();
        }
        // A selected run this process did not train and that is not finished (another process holds it) is not a success.
        const untrained = results.filter((r) => r.skipped && !TERMINAL.includes(r.status));
        if (untrained.length) {
          log(`not done: ${untrained.map((r) => `${r.id} (${r.skipped})`).join('; ')}; run again with --resume once it is free`);
          return 1;
        }
        return results.some((r) => r.status === 'failed') ? 1 : 0;
      } finally {
        for (const e of Object.values(engines)) e.close();
      }
    } finally {
      stop.dispose();
    }
  } catch (e) {
    await removeIfEmpty(created); // e.g. a data error: no empty --out folder left behind
    return reportError('run', e);
  }
}

/** LOSSLAB_CLAIM_TIMEOUT (seconds): how long a run's claim may go without a heartbeat before another process takes it over. */
function claimTimeout(env: NodeJS.ProcessEnv): number | undefined {
  const v = env.LOSSLAB_CLAIM_TIMEOUT;
  if (v === undefined || v === '') return undefined;
  const s = decimal(v);
  if (!(s >= 0.1 && s <= 86_400)) throw new UsageError(`LOSSLAB_CLAIM_TIMEOUT must be seconds from 0.1 to 86400, got ${JSON.stringify(v)}`);
  return s * 1000;
}

/**
 * Ctrl-C (SIGINT) or SIGTERM (a scheduler's preemption): finish the current epoch, commit it, mark
 * the run interrupted and end; a second signal ends at once (the run resumes from its last commit).
 */
function onInterrupt(log: (l: string) => void): { signal: StopSignal; code: () => number; dispose: () => void } {
  const signal: StopSignal = { requested: false };
  let exitCode = 130;
  const handler = (sig: NodeJS.Signals) => {
    exitCode = sig === 'SIGTERM' ? 143 : 130;
    if (signal.requested) {
      log(`${sig} again: stopping now; continue from the last completed epoch with: ${resumeCommand(process.argv, process.env, process.cwd())}`);
      process.exit(exitCode);
    }
    signal.requested = true;
    log(`${sig}: stopping after the current epoch (press Ctrl-C again to stop at once)`);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal,
    code: () => exitCode,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

export function registerRun(program: Command, deps: RunDeps, setExit: (code: number) => void): void {
  program
    .command('run')
    .description('run the study: the grid loss × data × arch × seed, or the cells selected from it')
    .option('--preset <name>', 'start from a preset: default (the study), quick (3 epochs, seed 0, 10k images) or resnet20 (He et al. 2016\'s recipe)')
    .option('--config <file>', 'JSON file with settings (keys as in study.json\'s config)')
    .option('--losses <list>', `comma-separated: ${LOSS_NAMES_HELP}; parameters as name:v1,v2 or name:key=v; or your own, name=expression (docs/losses.md; \`losslab gradcheck --list\` lists every loss)`)
    .option('--loss-file <file>', 'definitions (name=expression, one per line) that --losses and the config may name')
    .option('--seeds <list>', 'comma-separated seeds or ranges, e.g. 0,1,2 or 0-4')
    .option('--epochs <n>', 'epochs per run')
    .option('--batch-size <n>', 'training batch size')
    .option('--lr <x>', 'initial learning rate')
    .option('--momentum <x>', 'SGD momentum')
    .option('--weight-decay <x>', 'SGD weight decay')
    .option('--nesterov', 'Nesterov momentum')
    .option('--no-nesterov', 'plain momentum')
    .option('--step-size <n>', 'StepLR: epochs between decays')
    .option('--milestones <list>', 'MultiStepLR: epochs at which the lr decays, e.g. 82,123')
    .option('--gamma <x>', 'decay factor of StepLR or MultiStepLR')
    .option('--arch <list>', 'architectures: convnet, convnet-large, resnet20, resnet8')
    .option('--data <list>', 'data variants: clean, lt10, lt100, noise20, noise40')
    .option('--dataset <list>', `data sets: ${Object.keys(DATASETS).join(', ')}, or a manifest file (*.json) of your own arrays (default ${DEFAULT_DATASET})`)
    .option('--eval-every <n>', 'evaluate every n epochs (and after the last)')
    .option('--train-subset <n>', "train on a seeded subset of n images ('all' for every one)")
    .option('--out <dir>', 'study folder (default results/<name>)')
    .option('--name <name>', 'study name')
    .option('--data-dir <dir>', "a folder holding the data set's files, or their usual folders (cifar-10-batches-bin, fashion-mnist, cifar-100-binary); else each data set's variable, system folder, the cache, or a download")
    .option('--cell <k>', 'run only cell k of the grid')
    .option('--shard <i/n>', 'run only shard i of n (cells with index ≡ i−1 mod n)')
    .option('--lockstep <auto|n|off>', 'train compatible runs (same architecture, data set, batch size) as one program: auto (default) as many as the device holds, at most n, or off (one run at a time); each run\'s results are the same either way')
    .option('--group <k>', 'run only lockstep group k of the grid (as printed at the start; with --lockstep n its indices do not depend on the device)')
    .option('--list', 'print the grid\'s cells and exit (with --json: one JSON object)')
    .option('--resume', 'continue the study in --out from each run\'s last completed epoch')
    .option('--json', 'progress as JSON lines on stdout')
    .action(async (o: RunOptions) => setExit(await runCommand(o, deps)));
}
