/**
 * The bench's goals, stated once: each is printed with the figure this run measured and whether
 * it is met (or "not judged" when the run did not measure it).
 */
import { roofline, type AdapterLimits, type BenchRow } from '@losslab/kernels/bench';
import type { StepBench } from './step.ts';

export const GOALS = {
  /** ConvNet training epoch (batch 64, on-device augmentation) / PyTorch's CPU epoch on the same machine. */
  convnetRatio: 0.5,
  /** Evaluation of the 10,000 test images with all its metrics, seconds. */
  evalSeconds: 0.3,
  /** ResNet-20 training step at batch 64, milliseconds (half of the 2.5 s it took before the kernel work). */
  resnetStepMs: 1250,
  /** A kernel taking more than this share of a training step is "hot"… */
  hotShare: 0.05,
  /** …and should reach this fraction of the adapter's peak for the resource that bounds it (FMA rate or copy bandwidth). */
  peakFraction: 0.5,
  /** Dispatches of the ConvNet's small head (fc1 + ReLU + fc2 + loss and their backward). */
  headDispatches: 2,
  /** bench --study: the default study's throughput in lockstep over LossLab one run at a time (at least). */
  studyLockstepSpeedup: 2,
  /** bench --study: the default study's wall time in lockstep over PyTorch one run at a time (at most)… */
  studyVsTorch: 0.5,
  /** …and over PyTorch's functorch vmap ensemble (at most: the nearer of the two PyTorch goals). */
  studyVsVmap: 1.0,
} as const;

export const RESNET_ARCH = 'resnet20';

/** The head's kernels: the linear layers, their bias gradients, the loss, and any fused head kernel. */
export function isHeadDispatch(label: string): boolean {
  return /^(matmul|column_sum|loss|head)/.test(label);
}

export interface GoalLine {
  id: number;
  what: string;
  measured: string;
  met: boolean | null; // null: not measured in this run, or printed for information only
}

const verdict = (m: boolean | null) => (m === null ? 'not judged' : m ? 'MET' : 'not met');

export function formatGoals(lines: GoalLine[]): string {
  const w = Math.max(...lines.map((t) => t.what.length));
  const m = Math.max(...lines.map((t) => t.measured.length));
  return lines.map((t) => `  ${String(t.id).padStart(2)}. ${t.what.padEnd(w)}  ${t.measured.padEnd(m)}  ${verdict(t.met)}`).join('\n');
}

export function ratioGoal(id: number, what: string, ratio: number | undefined, goal: number | null, why?: string): GoalLine {
  const w = goal === null ? `${what} (printed, not a goal on this adapter)` : `${what} ≤ ${goal}`;
  if (ratio === undefined) return { id, what: w, measured: why ?? 'no PyTorch epoch in this run', met: null };
  return { id, what: w, measured: ratio.toFixed(2), met: goal === null ? null : ratio <= goal };
}

export function resnetStepGoal(id: number, steps: StepBench[]): GoalLine {
  const what = `${RESNET_ARCH} training step at batch 64 ≤ ${GOALS.resnetStepMs} ms`;
  const s = steps.find((x) => x.arch === RESNET_ARCH && x.batch === 64);
  if (!s) return { id, what, measured: `no ${RESNET_ARCH} step at batch 64 in this run`, met: null };
  return { id, what, measured: `${s.stepMs.median.toFixed(1)} ms`, met: s.stepMs.median <= GOALS.resnetStepMs };
}

/** The fraction of peak a timed piece of work reaches on the resource that bounds it. */
export function peakFraction(limits: AdapterLimits, work: { flops: number; bytes: number }, ms: number): number {
  const r = roofline(limits, work, ms);
  return r.bound === 'compute' ? r.computeFrac : r.memoryFrac;
}

/** Every kernel with more than GOALS.hotShare of a step's kernel time at ≥ GOALS.peakFraction of its bound. */
export function hotKernelGoal(id: number, limits: AdapterLimits, steps: StepBench[]): GoalLine {
  const what = `every kernel over ${100 * GOALS.hotShare}% of a step at ≥ ${100 * GOALS.peakFraction}% of peak`;
  const hot = steps.flatMap((s) => s.perDispatch.filter((d) => d.ms > GOALS.hotShare * s.kernelMs).map((d) => ({ s, d })));
  if (!hot.length) return { id, what, measured: 'no training step in this run', met: null };
  const frac = hot.map(({ s, d }) => ({ name: `${s.arch} ${d.label}`, f: d.work ? peakFraction(limits, d.work, d.ms) : 0 }));
  const below = frac.filter((x) => x.f < GOALS.peakFraction).sort((a, b) => a.f - b.f);
  const worst = below[0];
  return {
    id, what,
    measured: `${hot.length - below.length}/${hot.length} hot kernels${worst ? `; lowest ${worst.name} ${(100 * worst.f).toFixed(0)}%` : ''}`,
    met: below.length === 0,
  };
}

export function matmulGoal(id: number, limits: AdapterLimits, kernels: BenchRow[] | undefined): GoalLine {
  const what = `matmul 1024³ at ≥ ${100 * GOALS.peakFraction}% of peak FMA rate`;
  const row = kernels?.find((r) => r.kernel === 'matmul 1024³');
  if (!row || row.gflops === undefined) return { id, what, measured: 'no kernel table in this run', met: null };
  const f = row.gflops / limits.gflops;
  return { id, what, measured: `${row.gflops.toFixed(2)} GFLOP/s, ${(100 * f).toFixed(0)}% of ${limits.gflops.toFixed(1)}`, met: f >= GOALS.peakFraction };
}

export function dispatchGoal(id: number, step: StepBench | undefined): GoalLine {
  const what = `ConvNet head dispatches ≤ ${GOALS.headDispatches}; 0 readbacks per step`;
  if (!step) return { id, what, measured: 'no ConvNet step in this run', met: null };
  const head = step.perDispatch.filter((d) => isHeadDispatch(d.label)).length;
  return {
    id, what,
    measured: `${step.dispatches}/step, head ${head}, ${step.readbacksPerStep} readbacks, outside kernels ${(step.stepMs.median - step.kernelMs).toFixed(2)} ms`,
    met: head <= GOALS.headDispatches && step.readbacksPerStep === 0,
  };
}
