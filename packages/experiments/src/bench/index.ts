/**
 * `losslab bench`: kernel figures at the ConvNet's shapes, training-step time and its
 * dispatch/submit/readback counts, a real CIFAR-10 epoch (augmentation and evaluation
 * included), test-set inference rate, pipeline creation time, peak RSS — and, with
 * --vs-torch, PyTorch's CPU epoch on the same machine, alternating, with the ratio.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { benchConvPool, benchMatmulLoss, benchSgdMetricsAugment, timingSource, type BenchRow } from '@losslab/kernels/bench';
import { formatAdapter, type KernelContext, type LossLabDevice } from '@losslab/kernels';
import { benchStep, benchEval, makeStep } from './step.ts';
import { torchAvailable, torchEpoch } from './torch.ts';
import { createGpuEngineFactory } from '../engine/gpu-engine.ts';
import type { CifarDataset } from '../data/index.ts';
import type { RunSpec } from '../engine/types.ts';

export interface BenchOptions {
  batches: number[];
  epochs: number; // real CIFAR epochs to time (0: skip)
  vsTorch: boolean;
  rounds: number; // alternating rounds with --vs-torch
  out?: string;
  kernels: boolean;
  torchThreads: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function table(rows: BenchRow[]): string {
  const lines = rows.map((r) => `  ${r.kernel.padEnd(34)} ${r.shape.padEnd(26)} ${r.ms.toFixed(3).padStart(9)} ms ` +
    `${r.gflops !== undefined ? `${r.gflops.toFixed(2).padStart(7)} GFLOP/s` : ''}${r.gbps !== undefined ? `${r.gbps.toFixed(2).padStart(7)} GB/s` : ''}`);
  return lines.join('\n');
}

function defaultSpec(batch: number): RunSpec {
  return {
    loss: 'ce', seed: 0, data: 'clean', arch: 'convnet', epochs: 1, batchSize: batch, lr: 0.01, momentum: 0.9, weightDecay: 0, nesterov: false,
    schedule: { type: 'step', stepSize: 10, gamma: 0.5 }, evalEvery: 1, trainSubset: null,
  };
}

export async function runBench(dev: LossLabDevice & { ctx: KernelContext }, dataset: CifarDataset | null, o: BenchOptions, log: (s: string) => void): Promise<Record<string, unknown>> {
  const { ctx } = dev;
  const report: Record<string, unknown> = { adapter: dev.adapter, timing: timingSource(ctx), date: new Date().toISOString() };
  log(`adapter: ${formatAdapter(dev.adapter)}; kernel timings from ${timingSource(ctx) === 'timestamp' ? 'GPU timestamp queries' : 'the wall clock'}`);

  // Pipeline creation: every pipeline of a training step and the evaluation, built once.
  const p0 = ctx.pipelineMs;
  const n0 = ctx.pipelineCount;
  makeStep(ctx, o.batches[0]);
  report.pipelines = { count: ctx.pipelineCount - n0, ms: ctx.pipelineMs - p0 };
  log(`pipelines: ${ctx.pipelineCount - n0} built in ${(ctx.pipelineMs - p0).toFixed(0)} ms (once per process)`);

  if (o.kernels) {
    const kernels: Record<string, BenchRow[]> = {};
    for (const b of o.batches) {
      const rows = [...(await benchConvPool(ctx, b)), ...(await benchMatmulLoss(ctx, b)), ...(await benchSgdMetricsAugment(ctx, b))];
      kernels[b] = rows;
      log(`kernels at batch ${b}:\n${table(rows)}`);
    }
    report.kernels = kernels;
  }

  const steps: Record<string, unknown> = {};
  for (const b of o.batches) {
    const s = await benchStep(ctx, b);
    steps[b] = s;
    log(`training step, batch ${b}: median ${s.stepMs.median.toFixed(2)} ms (p10 ${s.stepMs.p10.toFixed(2)}, p90 ${s.stepMs.p90.toFixed(2)}); ` +
      `${s.dispatches} dispatches, ${(1 / s.stepsPerSubmit).toFixed(3)} submits and 0 readbacks per step (${s.stepsPerSubmit} steps per command buffer)`);
    log(s.perDispatch.map((d) => `    ${d.label.padEnd(30)} ${d.ms.toFixed(3)} ms`).join('\n'));
  }
  report.steps = steps;

  const ev = await benchEval(ctx);
  report.inference = ev;
  log(`inference: 10,000 test images in ${ev.seconds.toFixed(3)} s (${Math.round(ev.imagesPerSecond)} images/s)`);

  if (dataset && (o.epochs > 0 || o.vsTorch)) {
    const factory = createGpuEngineFactory({ device: dev, dataset });
    const ours: { train: number; total: number }[] = [];
    const torch: number[] = [];
    const hasTorch = o.vsTorch && (await torchAvailable());
    if (o.vsTorch && !hasTorch) log('--vs-torch: python3 with torch and numpy not found (SETUP_TORCH=1 bash scripts/setup.sh); skipping PyTorch');
    const rounds = Math.max(o.epochs, o.vsTorch ? o.rounds : 0);
    for (let r = 0; r < rounds; r++) {
      const run = await factory.createRun(defaultSpec(64));
      const e = await run.trainEpoch(1, true);
      run.dispose();
      ours.push({ train: e.trainSeconds, total: e.trainSeconds + (e.eval?.seconds ?? 0) });
      log(`LossLab epoch ${r + 1}: train ${e.trainSeconds.toFixed(2)} s (${run.stepsPerEpoch} steps, ${(1000 * e.trainSeconds / run.stepsPerEpoch).toFixed(2)} ms/step), evaluation ${e.eval?.seconds.toFixed(2)} s, test accuracy ${e.eval?.testAcc.toFixed(4)}`);
      if (hasTorch) {
        const t = await torchEpoch(dataset.dir, { batch: 64, threads: o.torchThreads });
        torch.push(t.train_seconds);
        log(`PyTorch epoch ${r + 1}: train ${t.train_seconds.toFixed(2)} s (${t.step_ms.toFixed(2)} ms/step, ${o.torchThreads} threads)`);
      }
    }
    factory.dispose();
    report.epoch = { losslab: ours, torch };
    const oursMed = median(ours.map((x) => x.train));
    log(`epoch (batch 64, training incl. on-device augmentation): LossLab median ${oursMed.toFixed(2)} s; with evaluation ${median(ours.map((x) => x.total)).toFixed(2)} s`);
    if (torch.length) {
      const ratio = oursMed / median(torch);
      report.ratioVsTorch = ratio;
      log(`ratio LossLab / PyTorch (training epoch, medians of ${torch.length}): ${ratio.toFixed(2)}  (target ≤ 1.0, stepping stone ≤ 2.0)`);
    }
  }
  const rss = process.resourceUsage().maxRSS / 1024;
  report.peakRssMb = rss;
  log(`peak RSS: ${rss.toFixed(0)} MB`);
  if (o.out) {
    mkdirSync(dirname(o.out), { recursive: true });
    writeFileSync(o.out, JSON.stringify(report, null, 2));
    log(`wrote ${o.out}`);
  }
  return report;
}
