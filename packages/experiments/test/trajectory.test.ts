// The trajectory mechanism of `losslab parity --trajectory` on a tiny synthetic data set: LossLab
// exports its weights, order and augmentation draws, reference/trajectory.py replays them, and a
// few steps later both sides still agree to float32 rounding. Needs PyTorch (skips visibly without).
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCifarDir } from '../src/data/index.ts';
import { torchAvailable } from '../src/bench/torch.ts';
import { openDevice } from '../src/gpu.ts';
import { runTorchTrajectory } from '../src/parity.ts';
import { compareTrajectories, epochDraws, epochOrder, readTrajectory, runLossLabTrajectory, type TrajectorySpec } from '../src/trajectory.ts';
import { augmentDraw } from '@losslab/kernels';
import { writeCifarDir } from './helpers/cifar.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();
const torch = await torchAvailable();
if (!torch) console.warn('[experiments] trajectory parity test skipped: no Python with torch (set LOSSLAB_PYTHON; CI installs none)');

describe('trajectory exchange files', () => {
  it('the draws file holds the order, then each position\'s crop offsets and flip from the kernel\'s hash', () => {
    const order = epochOrder(3, 2, 50);
    const bytes = epochDraws(3, 2, order);
    expect(bytes.length).toBe(50 * 7);
    expect(Array.from(new Uint32Array(bytes.slice(0, 200).buffer))).toEqual(Array.from(order));
    const d = augmentDraw(3, 2, 17, 4, true);
    expect([bytes[200 + 17], bytes[250 + 17], bytes[300 + 17]]).toEqual([d.dy, d.dx, d.flip ? 1 : 0]);
    expect(new Set(order).size).toBe(50);
  });
});

/**
 * Both sides of a trajectory on 100 synthetic training images (20 per batch file): LossLab, then
 * PyTorch in float32 or float64; returns the plan, LossLab's run and the comparison.
 */
async function trainBoth(spec: TrajectorySpec, float64: boolean) {
  const dataDir = join(await tmp(), 'cifar');
  await writeCifarDir(dataDir, 20);
  const dataset = await readCifarDir(dataDir, { recordsPerBatch: 20 });
  const dir = join(await tmp(), 'trajectory');
  const dev = await openDevice(() => {});
  try {
    await runLossLabTrajectory(dev.device, dataset, spec, dir, () => {});
  } finally {
    dev.device.destroy();
  }
  await runTorchTrajectory(dir, 1, () => {}, float64);
  const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
  const lab = readTrajectory(join(dir, 'losslab.json'));
  return { plan: read('plan.json'), lab, c: compareTrajectories(lab, readTrajectory(join(dir, float64 ? 'torch64.json' : 'torch.json')), read('init.json')) };
}

describe.skipIf(!torch)('trajectory parity with PyTorch on synthetic data (needs torch)', () => {
  it('same weights, batches (last one partial), momentum and StepLR: losses and parameters agree over 2 epochs', async () => {
    // 100 training images: batches of 16, the 7th holds 4
    const { c } = await trainBoth({ arch: 'convnet', loss: 'focal:2', seed: 5, epochs: 2, batchSize: 16, lr: 0.05, momentum: 0.9, weightDecay: 0, stepSize: 1, gamma: 0.5, trainSubset: null }, false);
    expect(c.steps.map((s) => s.step)).toEqual([1, 2, 5, 7, 10, 14]);
    for (const s of c.steps) {
      expect(s.absDiff, `step ${s.step} loss`).toBeLessThan(1e-5 * Math.max(1, s.lossTorch));
      expect(s.paramRel, `step ${s.step} parameters`).toBeLessThan(1e-5);
    }
    expect(c.epochs.map((e) => e.lab.lr)).toEqual([0.05, 0.025]); // StepLR stepped after each epoch on both sides
    for (const { lab: l, torch: t } of c.epochs) {
      expect(Math.abs(l.train_loss - t.train_loss)).toBeLessThan(1e-5);
      expect(l.test_acc).toBeCloseTo(t.test_acc, 6); // PyTorch's mean is float32
      expect(Math.abs(l.test_loss - t.test_loss)).toBeLessThan(1e-5);
    }
  }, 300_000);

  // Against PyTorch in float64: PyTorch's own float32 CPU run of ResNet-8 drifts from its float64
  // run by 6e-6 (relative parameter distance) after one step and 4e-4 after three, while LossLab
  // stays within 1e-7 of float64, so float64 is the reference that can tell a bug from rounding.
  it('ResNet-8 with BatchNorm, weight decay and a seeded training subset: losses, parameters and running statistics agree with PyTorch float64', async () => {
    const { plan, lab, c } = await trainBoth({ arch: 'resnet8', loss: 'ce', seed: 3, epochs: 1, batchSize: 16, lr: 0.05, momentum: 0.9, weightDecay: 1e-3, stepSize: 1, gamma: 0.5, trainSubset: 40 }, true);
    expect(plan.train_count).toBe(40);
    expect(new Set(plan.train_indices).size).toBe(40);
    expect(c.steps.map((s) => s.step)).toEqual([1, 2, 3]); // batches of 16, 16 and 8
    for (const s of c.steps) {
      expect(s.absDiff, `step ${s.step} loss`).toBeLessThan(1e-5 * Math.max(1, s.lossTorch));
      expect(s.paramRel, `step ${s.step} parameters and running statistics`).toBeLessThan(1e-6);
    }
    expect(Object.keys(lab.params[3])).toContain('layer1.0.bn1.running_var');
  }, 300_000);
});
