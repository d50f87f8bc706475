/**
 * `losslab bench --study` on a device: the default study's runs (DEFAULT_CONFIG), synthetic or
 * CIFAR-10 data cut to the measured sizes, LossLab's factory (ways A, B) and PyTorch (C, D, when
 * python3 has torch and functorch), the alternating rounds (study.ts), the table, the JSON file.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KernelContext, LossLabDevice } from '@losslab/kernels';
import { DEFAULT_CONFIG } from '../config/study-config.ts';
import { runSpec } from '../study/grid.ts';
import { createGpuEngineFactory } from '../engine/gpu-engine.ts';
import type { RunSpec } from '../engine/types.ts';
import { CIFAR10_SPEC, type Dataset } from '../data/index.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { writeCifarDir } from './synthetic.ts';
import { TORCH_STUDY_SCRIPT, torchAvailable, torchStudy } from './torch.ts';
import { formatDuration, lockstepGroups, losslabWays, runStudyBench, studyTable, torchWays, type StudyBenchReport, type StudyWay } from './study.ts';

export interface StudyBenchOptions {
  epochs: number; // measured per run
  trainImages: number;
  testImages: number;
  rounds: number;
  torch: boolean; // measure ways C and D where python3 has what they need
  torchThreads: number;
  out?: string;
}

/** The default study's runs (every loss × seed, its architecture, batch size, optimizer and schedule) for `epochs` epochs. */
export function defaultStudySpecs(epochs: number, trainSubset: number | null): RunSpec[] {
  const c = { ...DEFAULT_CONFIG, epochs, trainSubset };
  return c.losses.flatMap((loss) => c.seeds.map((seed) => runSpec(c, { loss, seed, data: c.data[0], arch: c.arch[0] })));
}

/** The first `n` test images of `d` (evaluation time scales with them). */
function firstTestImages(d: Dataset, n: number): Dataset {
  if (n >= d.test.labels.length) return d;
  const per = d.test.images.length / d.test.labels.length;
  return { ...d, spec: { ...d.spec, testSize: n }, test: { images: d.test.images.subarray(0, n * per), labels: d.test.labels.subarray(0, n) } };
}

/** Why PyTorch's ways cannot run here, per way; null when they can. */
async function torchMissing(o: StudyBenchOptions): Promise<{ C: string | null; D: string | null }> {
  if (!o.torch) return { C: '--no-torch', D: '--no-torch' };
  if (!existsSync(TORCH_STUDY_SCRIPT)) return { C: 'reference/torch_study.py is not in this build', D: 'reference/torch_study.py is not in this build' };
  if (!(await torchAvailable('torch, numpy'))) {
    const why = 'python3 with torch and numpy not found (SETUP_TORCH=1 bash scripts/setup.sh)';
    return { C: why, D: why };
  }
  return { C: null, D: (await torchAvailable('functorch')) ? null : 'functorch not found beside torch' };
}

/**
 * `dataset`: the synthetic data made for these sizes, or CIFAR-10 (a seeded training subset and
 * the first test images are used).
 */
export async function runStudyBenchOnDevice(dev: LossLabDevice & { ctx: KernelContext }, dataset: Dataset, o: StudyBenchOptions,
  log: (s: string) => void): Promise<StudyBenchReport & Record<string, unknown>> {
  const synthetic = dataset.dir === '(synthetic)';
  const trainImages = Math.min(o.trainImages, dataset.train.labels.length);
  const data = firstTestImages(dataset, o.testImages);
  const testImages = data.test.labels.length;
  const specs = defaultStudySpecs(o.epochs, synthetic ? null : trainImages);
  const s = specs[0];
  const c = DEFAULT_CONFIG;
  const full = { train: CIFAR10_SPEC.trainSize, test: CIFAR10_SPEC.testSize };
  const sched = s.schedule.type === 'step' ? `StepLR(${s.schedule.stepSize}, γ ${s.schedule.gamma})` : `MultiStepLR(${s.schedule.milestones.join(',')}, γ ${s.schedule.gamma})`;
  const load0 = loadavg()[0];
  log(`default study: ${specs.length} runs (${c.losses.join(', ')} × seeds ${c.seeds.join(', ')}), ${s.arch}, batch ${s.batchSize}, SGD lr ${s.lr} momentum ${s.momentum}, ${sched}`);
  log(`measured: ${o.epochs} epoch${o.epochs === 1 ? '' : 's'} per run on ${trainImages.toLocaleString('en-US')} ${synthetic ? 'synthetic' : 'CIFAR-10'} training images, ` +
    `evaluation of ${testImages.toLocaleString('en-US')} test images after every epoch; ${o.rounds} round${o.rounds === 1 ? '' : 's'} alternating A B C D`);
  log(`scaled to the study: ${c.epochs} epochs × ${full.train.toLocaleString('en-US')} training images + ${full.test.toLocaleString('en-US')} test images ` +
    `(per-epoch start-up costs scaled with them: an upper bound); medians over the rounds`);
  log(`load average ${load0.toFixed(1)} on ${availableParallelism()} CPUs at the start`);

  const torchDir = synthetic ? null : dataset.dir;
  const missing = await torchMissing(o);
  const tmp = !missing.C && synthetic ? mkdtempSync(join(tmpdir(), 'losslab-study-')) : null;
  const factory = createGpuEngineFactory({ device: dev, dataset: data });
  try {
    const dir = tmp ? writeCifarDir(tmp, data) : torchDir;
    // Pipelines and the device's first use are paid once per process: before the rounds, so round 1's first way does not pay them.
    const t0 = performance.now();
    const warm = async (x: { trainEpoch(e: number, ev: boolean): Promise<unknown>; evaluate?(): Promise<unknown>; dispose(): void }) => {
      try {
        await x.trainEpoch(1, false);
        await x.evaluate?.();
      } finally {
        x.dispose();
      }
    };
    await warm(await factory.createRun(specs[0]));
    if (factory.createGroup) await warm(await factory.createGroup(lockstepGroups(factory, specs)[0]));
    log(`warm-up (pipelines, one epoch and evaluation${factory.createGroup ? ' of one run and of one lockstep group' : ' of one run'}) in ` +
      `${((performance.now() - t0) / 1000).toFixed(1)} s (once per process, not in the figures)`);

    const ways: StudyWay[] = losslabWays(factory, specs, () => dev.ctx.stats.bufferBytes);
    const skipped: StudyBenchReport['skipped'] = [];
    const torchRun = (mode: 'runs' | 'vmap', onProgress: (l: string) => void) =>
      torchStudy(dir!, { mode, specs, threads: o.torchThreads, trainSubset: synthetic ? 0 : trainImages, testSubset: testImages }, onProgress);
    const [wc, wd] = torchWays(torchRun, specs, o.torchThreads);
    if (missing.C) skipped.push({ key: 'C', label: wc.label, why: missing.C });
    else ways.push(wc);
    if (missing.D) skipped.push({ key: 'D', label: wd.label, why: missing.D });
    else ways.push(wd);
    for (const x of skipped) log(`${x.key} ${x.label}: skipped (${x.why})`);

    const scale = { trainImages, testImages, fullTrain: full.train, fullTest: full.test, studyEpochs: c.epochs, studyRuns: specs.length };
    const report = await runStudyBench(ways, skipped, typeof factory.createGroup === 'function', scale, o.rounds, log);
    const load1 = loadavg()[0];
    log(`load average ${load1.toFixed(1)} at the end${Math.max(load0, load1) > availableParallelism() ? ' (busier than the CPUs: every way ran under that load, alternating)' : ''}`);
    log(`default study, ${specs.length} runs × ${c.epochs} epochs, scaled from ${trainImages.toLocaleString('en-US')} images × ${o.epochs} epoch${o.epochs === 1 ? '' : 's'}:`);
    log(studyTable(report));
    log(`study wall time: ${report.ways.map((w) => `${w.key} ${formatDuration(w.studySeconds)}`).join(', ')}`);
    const json = { ...report, adapter: dev.adapter, date: new Date().toISOString(), data: synthetic ? 'synthetic' : dataset.dir, loadAverage: { start: load0, end: load1, cpus: availableParallelism() } };
    if (o.out) {
      await writeFileAtomic(o.out, JSON.stringify(json, null, 2));
      log(`wrote ${o.out}`);
    }
    return json;
  } finally {
    factory.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}
