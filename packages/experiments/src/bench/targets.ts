/**
 * Issue #14's targets, stated once: the bench measures against these and prints met / not met.
 */
import type { AdapterLimits } from '@losslab/kernels/bench';
import type { StepBench } from './step.ts';

export const TARGETS = {
  /** 1. ConvNet training epoch (batch 64, on-device augmentation) / PyTorch's CPU epoch. */
  convnetRatio: { target: 0.5, steppingStone: 1.0 },
  /** 3. Evaluation of the 10,000 test images with all its metrics, seconds. */
  evalSeconds: 0.3,
  /** 4. ResNet-20 training epoch / PyTorch's. */
  resnetRatio: { target: 1.5, steppingStone: 3.0 },
  /** 5. Dispatches of the ConvNet's small head (fc1 + ReLU + fc2 + loss and their backward). */
  headDispatches: 2,
} as const;

export const RESNET_ARCH = 'resnet20';

/** The head's kernels: the linear layers, their bias gradients, the loss, and any fused head kernel. */
export function isHeadDispatch(label: string): boolean {
  return /^(matmul|column_sum|loss|head)/.test(label);
}

export interface TargetLine {
  id: number;
  what: string;
  measured: string;
  met: boolean | null; // null: not measured in this run
}

const yes = (m: boolean | null) => (m === null ? 'not judged' : m ? 'MET' : 'not met');

export function formatTargets(lines: TargetLine[]): string {
  return lines.map((t) => `  ${t.id}. ${t.what.padEnd(62)} ${t.measured.padEnd(44)} ${yes(t.met)}`).join('\n');
}

export function ratioTarget(id: number, what: string, ratio: number | undefined, t: { target: number; steppingStone: number }, why?: string): TargetLine {
  if (ratio === undefined) return { id, what: `${what} ≤ ${t.target} (stone ≤ ${t.steppingStone})`, measured: why ?? 'no PyTorch epoch in this run', met: null };
  const stone = ratio <= t.steppingStone ? 'stepping stone met' : 'stepping stone not met';
  return { id, what: `${what} ≤ ${t.target} (stone ≤ ${t.steppingStone})`, measured: `${ratio.toFixed(2)} (${stone})`, met: ratio <= t.target };
}

/** Met when every kernel of every training step measured (any architecture) states its work. */
export function limitTarget(limits: AdapterLimits, steps: StepBench[]): TargetLine {
  const all = steps.flatMap((s) => s.perDispatch);
  const stated = all.filter((d) => d.work).length;
  const total = all.length;
  return {
    id: 2, what: 'peak FMA and copy measured; every step kernel as a fraction of them',
    measured: `${limits.gflops.toFixed(1)} GFLOP/s, ${limits.gbps.toFixed(1)} GB/s; ${stated}/${total} kernels`,
    met: total > 0 && stated === total,
  };
}

export function dispatchTarget(step: StepBench | undefined): TargetLine {
  const what = `ConvNet head dispatches ≤ ${TARGETS.headDispatches}; 0 readbacks per step`;
  if (!step) return { id: 5, what, measured: 'no ConvNet step in this run', met: null };
  const head = step.perDispatch.filter((d) => isHeadDispatch(d.label)).length;
  return {
    id: 5, what,
    measured: `${step.dispatches}/step, head ${head}, ${step.readbacksPerStep} readbacks, outside ${(step.stepMs.median - step.kernelMs).toFixed(2)} ms`,
    met: head <= TARGETS.headDispatches && step.readbacksPerStep === 0,
  };
}
