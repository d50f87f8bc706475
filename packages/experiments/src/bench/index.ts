/**
 * `losslab bench`: the adapter's limits (peak FMA rate, copy bandwidth), kernel figures at the
 * ConvNet's shapes, each architecture's training step kernel by kernel as a fraction of the
 * limits with its dispatch/submit/readback counts and the time outside kernels, a training epoch
 * (augmentation and evaluation included) on CIFAR-10 or synthetic CIFAR-shaped data, the default
 * study extrapolated from it, evaluation time — and, with --vs-torch, PyTorch's CPU epoch on the
 * same machine, alternating, with the ratio. Ends with the goals, each with its measured figure, met or not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchConvPool, benchMatmulLoss, benchSgdMetricsAugment, measureLimits, roofline, timingSource, type AdapterLimits, type BenchRow } from '@losslab/kernels/bench';
import { formatAdapter, type KernelContext, type LossLabDevice } from '@losslab/kernels';
import { ARCHITECTURES } from '@losslab/nn';
import { benchStep, benchEval, makeStep, type StepBench } from './step.ts';
import { torchAvailable, torchEpoch } from './torch.ts';
import { GOALS, RESNET_ARCH, formatGoals, ratioGoal, resnetStepGoal, hotKernelGoal, matmulGoal, dispatchGoal, peakFraction, type GoalLine } from './goals.ts';
import { writeCifarDir } from './synthetic.ts';
import { createGpuEngineFactory } from '../engine/gpu-engine.ts';
import { DEFAULT_CONFIG } from '../config/study-config.ts';
import { CIFAR10_SPEC } from '../data/index.ts';
import type { Dataset } from '../data/index.ts';
import type { RunSpec } from '../engine/types.ts';
import { runSpecFor } from '../engine/spec.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { formatDuration } from './study.ts';

export interface BenchOptions {
  /** Architectures to time (steps and epochs). */
  archs: string[];
  batches: number[];
  epochs: number; // epochs to time per architecture (0: skip)
  vsTorch: boolean;
  rounds: number; // alternating rounds with --vs-torch
  out?: string;
  kernels: boolean;
  torchThreads: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (x: number) => `${(100 * x).toFixed(1).padStart(5)}%`;

/** Columns as wide as their longest entry, so long kernel names do not shift the figures. */
const widthOf = (xs: string[], min = 0) => Math.max(min, ...xs.map((x) => x.length));

function kernelTable(rows: BenchRow[], limits: AdapterLimits): string {
  const kw = widthOf(rows.map((r) => r.kernel));
  const sw = widthOf(rows.map((r) => r.shape));
  return rows.map((r) => {
    const rate = `${r.gflops !== undefined ? `${r.gflops.toFixed(2).padStart(7)} GFLOP/s` : ''}${r.gbps !== undefined ? `${r.gbps.toFixed(2).padStart(7)} GB/s` : ''}`;
    const f = r.gflops !== undefined ? r.gflops / limits.gflops : r.gbps !== undefined ? r.gbps / limits.gbps : undefined;
    return `  ${r.kernel.padEnd(kw)}  ${r.shape.padEnd(sw)} ${r.ms.toFixed(3).padStart(9)} ms ${rate}${f !== undefined ? ` ${pct(f)} of peak` : ''}${r.plan ? `  [${r.plan}]` : ''}`;
  }).join('\n');
}

function stepTable(s: StepBench, limits: AdapterLimits): string {
  const labels = s.perDispatch.map((d, i) => `${String(i + 1).padStart(2)} ${d.label}`);
  const lw = widthOf(labels, 'kernel'.length);
  const head = `    ${'kernel'.padEnd(lw)} ${'ms'.padStart(7)} ${'share'.padStart(6)}  ${'GFLOP/s'.padStart(8)} ${'of peak'.padStart(7)}  ${'GB/s'.padStart(6)} ${'of peak'.padStart(7)}  bound`;
  const rows = s.perDispatch.map((d, i) => {
    const label = labels[i].padEnd(lw);
    const share = pct(d.ms / s.kernelMs);
    if (!d.work) return `    ${label} ${d.ms.toFixed(3).padStart(7)} ${share}  (work not stated)`;
    const r = roofline(limits, d.work, d.ms);
    const hot = d.ms > GOALS.hotShare * s.kernelMs && peakFraction(limits, d.work, d.ms) < GOALS.peakFraction ? '  below goal' : '';
    return `    ${label} ${d.ms.toFixed(3).padStart(7)} ${share}  ${(d.work.flops / (d.ms * 1e6)).toFixed(2).padStart(8)} ${pct(r.computeFrac)}  ` +
      `${(d.work.bytes / (d.ms * 1e6)).toFixed(2).padStart(6)} ${pct(r.memoryFrac)}  ${r.bound}${hot}`;
  });
  return [head, ...rows].join('\n');
}

/** The default study's first run with this architecture, one epoch. */
function runSpec(arch: string): RunSpec {
  return runSpecFor({ arch, epochs: 1 });
}

/** Runs in the default study, and epochs each. */
export const DEFAULT_STUDY = { runs: DEFAULT_CONFIG.losses.length * DEFAULT_CONFIG.seeds.length, epochs: DEFAULT_CONFIG.epochs };

interface EpochFigures {
  arch: string;
  trainImages: number;
  /** Measured seconds per round. */
  losslab: { train: number; eval: number }[];
  torch: number[];
  /** Medians scaled to a 50,000-image training epoch. */
  trainSeconds: number;
  evalSeconds: number;
  torchSeconds?: number;
  ratio?: number;
  /** The default study (DEFAULT_STUDY) at these epoch times, evaluation every epoch. */
  studySeconds: number;
}

export async function runBench(dev: LossLabDevice & { ctx: KernelContext }, dataset: Dataset | null, o: BenchOptions, log: (s: string) => void): Promise<Record<string, unknown>> {
  const { ctx } = dev;
  const report: Record<string, unknown> = { adapter: dev.adapter, timing: timingSource(ctx), date: new Date().toISOString(), archs: o.archs, data: dataset?.dir ?? null };
  // openDevice has printed the adapter.
  log(`kernel timings from ${timingSource(ctx) === 'timestamp' ? 'GPU timestamp queries' : 'the wall clock'}`);
  const load0 = loadavg()[0];
  log(`load average ${load0.toFixed(1)} on ${availableParallelism()} CPUs at the start`);

  const limits = await measureLimits(ctx);
  report.limits = limits;
  log(`limits: peak ${limits.gflops.toFixed(1)} GFLOP/s (fma() ${limits.fma.toFixed(1)}, mul + add ${limits.mulAdd.toFixed(1)}), ` +
    `copy ${limits.gbps.toFixed(1)} GB/s (read + write; the best of ${limits.copySizes.map((b) => `${b >> 20} MiB`).join(', ')} buffers)`);
  log('"of peak": the time the kernel\'s stated work (FLOPs; bytes read + written once) takes at that peak, over the time measured; ' +
    'a kernel whose data stays in the CPU caches between its own reads may pass 100% of the copy peak');

  // Pipeline creation: every pipeline of each architecture's training step, built once.
  const pipelines: Record<string, { count: number; ms: number }> = {};
  for (const arch of o.archs) {
    const p0 = ctx.pipelineMs;
    const n0 = ctx.pipelineCount;
    const scope = ctx.scope();
    makeStep(scope, o.batches[0], arch);
    scope.destroy();
    pipelines[arch] = { count: ctx.pipelineCount - n0, ms: ctx.pipelineMs - p0 };
    log(`pipelines (${arch}): ${pipelines[arch].count} built in ${pipelines[arch].ms.toFixed(0)} ms (once per process)`);
  }
  report.pipelines = pipelines;

  if (o.kernels) {
    const kernels: Record<string, BenchRow[]> = {};
    for (const b of o.batches) {
      const rows = [...(await benchConvPool(ctx, b)), ...(await benchMatmulLoss(ctx, b)), ...(await benchSgdMetricsAugment(ctx, b))];
      kernels[b] = rows;
      log(`kernels at batch ${b}:\n${kernelTable(rows, limits)}`);
    }
    report.kernels = kernels;
  }

  const steps: StepBench[] = [];
  for (const arch of o.archs) {
    for (const b of o.batches) {
      const s = await benchStep(ctx, b, { arch });
      steps.push(s);
      log(`training step, ${arch}, batch ${b}: median ${s.stepMs.median.toFixed(2)} ms (p10 ${s.stepMs.p10.toFixed(2)}, p90 ${s.stepMs.p90.toFixed(2)}); ` +
        `kernels ${s.kernelMs.toFixed(2)} ms, outside kernels ${(s.stepMs.median - s.kernelMs).toFixed(2)} ms; ` +
        `${s.dispatches} dispatches, ${s.submitsPerStep.toFixed(3)} submits and ${s.readbacksPerStep} readbacks per step (${s.stepsPerSubmit} steps per command buffer)`);
      log(stepTable(s, limits));
    }
  }
  report.steps = steps;

  // The fused head against the layer-by-layer head, alternating in this run (before/after; with the kernel table).
  if (o.kernels && o.archs.includes('convnet')) {
    const layered: number[] = [];
    const fused: number[] = [];
    for (let r = 0; r < 3; r++) {
      layered.push((await benchStep(ctx, DEFAULT_CONFIG.batchSize, { perDispatch: false, fuseHead: false })).stepMs.median);
      fused.push((await benchStep(ctx, DEFAULT_CONFIG.batchSize, { perDispatch: false })).stepMs.median);
    }
    report.headComparison = { layered, fused };
    log(`ConvNet step, batch ${DEFAULT_CONFIG.batchSize}, alternating ×3: head layer by layer ${median(layered).toFixed(2)} ms, fused head ${median(fused).toFixed(2)} ms ` +
      `(ratio ${(median(fused) / median(layered)).toFixed(2)})`);
  }

  const evals: Record<string, Awaited<ReturnType<typeof benchEval>>> = {};
  for (const arch of o.archs) {
    const e = (evals[arch] = await benchEval(ctx, { arch }));
    log(`inference (${arch}): 10,000 test images with loss, cross-entropy, confusion and calibration in ${e.seconds.toFixed(3)} s (${Math.round(e.imagesPerSecond)} images/s)` +
      (e.batchesTimed < e.batches ? `, extrapolated from ${e.batchesTimed} of ${e.batches} batches` : ''));
  }
  report.inference = evals;

  const epochs: EpochFigures[] = [];
  if (dataset && (o.epochs > 0 || o.vsTorch)) {
    const hasTorch = o.vsTorch && (await torchAvailable());
    if (o.vsTorch && !hasTorch) log('--vs-torch: python3 with torch and numpy not found (SETUP_TORCH=1 bash scripts/setup.sh); skipping PyTorch');
    // PyTorch reads files: synthetic data goes to a temporary folder in the binary layout.
    const torchDir = hasTorch ? (dataset.dir === '(synthetic)' ? writeCifarDir(mkdtempSync(join(tmpdir(), 'losslab-synthetic-')), dataset) : dataset.dir) : null;
    const factory = createGpuEngineFactory({ device: dev, dataset });
    try {
      for (const arch of o.archs) epochs.push(await timeEpochs(factory, arch, dataset, o, hasTorch ? torchDir : null, log));
    } finally {
      factory.dispose();
      if (torchDir && torchDir !== dataset.dir) rmSync(torchDir, { recursive: true, force: true });
    }
  }
  report.epochs = epochs;

  const convStep = steps.find((s) => s.arch === 'convnet' && s.batch === DEFAULT_CONFIG.batchSize) ?? steps.find((s) => s.arch === 'convnet');
  const convEpoch = epochs.find((e) => e.arch === 'convnet');
  const resEpoch = epochs.find((e) => e.arch === RESNET_ARCH);
  const evalS = convEpoch?.evalSeconds ?? evals.convnet?.seconds;
  const resnetWhy = !(RESNET_ARCH in ARCHITECTURES) ? `no ${RESNET_ARCH} architecture in this build` : !o.archs.includes(RESNET_ARCH) ? `${RESNET_ARCH} not in --arch` : undefined;
  // A CPU adapter and PyTorch share the cores: on a busy machine the ratio says more about the load than the code.
  const load = Math.max(load0, loadavg()[0]);
  report.loadAverage = { start: load0, end: loadavg()[0], cpus: availableParallelism() };
  const busy = load > availableParallelism() ? `load average up to ${load.toFixed(1)} on ${availableParallelism()} CPUs: ratios not comparable` : undefined;
  const noRatio = (t: GoalLine): GoalLine => (busy && t.met !== null ? { ...t, measured: `${t.measured}; ${busy}`, met: null } : t);
  log(`load average ${loadavg()[0].toFixed(1)} at the end${busy ? ` (${busy})` : ''}`);
  const kernelRows = (report.kernels as Record<string, BenchRow[]> | undefined)?.[o.batches[0]];
  const goals: GoalLine[] = [
    noRatio(ratioGoal(1, 'ConvNet epoch / PyTorch CPU epoch', convEpoch?.ratio, GOALS.convnetRatio)),
    { id: 2, what: `evaluation of 10,000 test images ≤ ${GOALS.evalSeconds} s`, measured: evalS === undefined ? 'no ConvNet in this run' : `${evalS.toFixed(3)} s`, met: evalS === undefined ? null : evalS <= GOALS.evalSeconds },
    resnetStepGoal(3, steps),
    hotKernelGoal(4, limits, steps),
    matmulGoal(5, limits, kernelRows),
    dispatchGoal(6, convStep),
    noRatio(ratioGoal(7, 'ResNet-20 epoch / PyTorch CPU epoch', resEpoch?.ratio, null, resnetWhy)),
  ];
  report.goals = goals;
  log(`goals:\n${formatGoals(goals)}`);

  const rss = process.resourceUsage().maxRSS / 1024;
  report.peakRssMb = rss;
  log(`peak RSS: ${rss.toFixed(0)} MB`);
  if (o.out) {
    await writeFileAtomic(o.out, JSON.stringify(report, null, 2)); // its folder was checked before the measurements
    log(`wrote ${o.out}`);
  }
  return report;
}

async function timeEpochs(factory: ReturnType<typeof createGpuEngineFactory>, arch: string, dataset: Dataset, o: BenchOptions, torchDir: string | null,
  log: (s: string) => void): Promise<EpochFigures> {
  const trainImages = dataset.train.labels.length;
  const scale = CIFAR10_SPEC.trainSize / trainImages;
  const scaled = scale === 1 ? '' : ` for ${trainImages.toLocaleString('en-US')} images`;
  const losslab: EpochFigures['losslab'] = [];
  const torch: number[] = [];
  const rounds = Math.max(o.epochs, torchDir ? o.rounds : 0);
  for (let r = 0; r < rounds; r++) {
    const run = await factory.createRun(runSpec(arch));
    try {
      const e = await run.trainEpoch(1, true);
      losslab.push({ train: e.trainSeconds, eval: e.eval?.seconds ?? 0 });
      log(`LossLab ${arch} epoch ${r + 1}: train ${e.trainSeconds.toFixed(2)} s${scaled} (${run.stepsPerEpoch} steps, ${(1000 * e.trainSeconds / run.stepsPerEpoch).toFixed(2)} ms/step), ` +
        `evaluation ${e.eval?.seconds.toFixed(3)} s, test accuracy ${e.eval?.testAcc.toFixed(4)}`);
    } finally {
      run.dispose();
    }
    if (torchDir) {
      try {
        const t = await torchEpoch(torchDir, { batch: DEFAULT_CONFIG.batchSize, threads: o.torchThreads, arch });
        torch.push(t.train_seconds);
        log(`PyTorch ${arch} epoch ${r + 1}: train ${t.train_seconds.toFixed(2)} s${scaled} (${t.step_ms.toFixed(2)} ms/step, ${o.torchThreads} threads)`);
      } catch (e) {
        log(`PyTorch ${arch}: ${(e as Error).message}`);
        torchDir = null;
      }
    }
  }
  const trainSeconds = scale * median(losslab.map((x) => x.train));
  const evalSeconds = median(losslab.map((x) => x.eval));
  const torchSeconds = torch.length ? scale * median(torch) : undefined;
  const ratio = torchSeconds !== undefined ? trainSeconds / torchSeconds : undefined;
  const studySeconds = DEFAULT_STUDY.runs * DEFAULT_STUDY.epochs * (trainSeconds + evalSeconds);
  const extrapolated = scale === 1 ? '' : ` (EXTRAPOLATED ×${scale.toFixed(2)} from ${trainImages.toLocaleString('en-US')} images, start-up costs included: an upper bound; --train-images 50000 measures it)`;
  log(`epoch ${arch} (50,000 images, batch ${DEFAULT_CONFIG.batchSize}, training incl. on-device augmentation)${extrapolated}: LossLab median ${trainSeconds.toFixed(2)} s, evaluation ${evalSeconds.toFixed(3)} s` +
    (torchSeconds !== undefined ? `; PyTorch ${torchSeconds.toFixed(2)} s; ratio LossLab / PyTorch ${ratio!.toFixed(2)} (medians of ${torch.length})` : ''));
  log(`default study (${arch}): ${DEFAULT_STUDY.runs} runs × ${DEFAULT_STUDY.epochs} epochs ≈ ${formatDuration(studySeconds)} (extrapolated from the epoch above, evaluation every epoch)`);
  return { arch, trainImages, losslab, torch, trainSeconds, evalSeconds, torchSeconds, ratio, studySeconds };
}
