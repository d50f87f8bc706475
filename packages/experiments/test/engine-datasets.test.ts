// The real engine on the WebGPU adapter with data sets other than CIFAR-10, from small files in the
// real formats: CIFAR-100's 100 classes (loss, metrics, saliency panel over many classes) and a
// manifest of NHWC arrays (16×16×3, 3 classes): one epoch each, evaluated, with saliency.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cifar100Spec, readCifar100Dir } from '../src/data/datasets/cifar100.ts';
import { loadManifest, type Dataset } from '../src/data/index.ts';
import { createGpuEngineFactory } from '../src/engine/gpu-engine.ts';
import { runSpecFor } from '../src/engine/spec.ts';
import { openDevice } from '../src/gpu.ts';
import { panelIndices } from '../src/study/saliency.ts';
import { int64, npy, npz, pixels, writeCifar100Dir } from './helpers/datasets.ts';
import { useTmp } from './helpers/tmp.ts';
import { writeFile } from 'node:fs/promises';

const tmp = useTmp();

async function oneEpoch(dataset: Dataset, arch: string, batchSize: number) {
  const dev = await openDevice(() => {});
  const factory = createGpuEngineFactory({ device: dev, dataset });
  try {
    const run = await factory.createRun(runSpecFor({ arch, epochs: 1, batchSize, trainSubset: null }));
    try {
      const stats = await run.trainEpoch(1, true);
      const sal = await run.saliency!(panelIndices(dataset.test.labels, dataset.spec.classNames.length));
      return { stats, sal };
    } finally {
      run.dispose();
    }
  } finally {
    factory.dispose();
    dev.device.destroy();
  }
}

describe('the engine on other data sets', () => {
  it('CIFAR-100 (100 classes): trains, evaluates a 100×100 confusion matrix, saliency for the first 50 classes', async () => {
    const dir = await tmp();
    await writeCifar100Dir(dir, 200, 100, (i) => i % 100);
    const dataset = await readCifar100Dir(dir, cifar100Spec('fine', { trainSize: 200, testSize: 100 }));
    const { stats, sal } = await oneEpoch(dataset, 'resnet8', 50);
    expect(Number.isFinite(stats.trainLoss)).toBe(true);
    expect(stats.trainLoss).toBeGreaterThan(3); // about log 100 ≈ 4.6 for an untrained 100-way classifier
    const e = stats.eval!;
    expect(e.confusion).toHaveLength(100);
    expect(e.confusion.flat().reduce((a, b) => a + b, 0)).toBe(100);
    expect(e.confusion.map((row) => row.reduce((a, b) => a + b, 0))).toEqual(new Array(100).fill(1)); // one test image per class
    expect(e.calibration.reduce((a, b) => a + b.count, 0)).toBe(100);
    expect(sal).toHaveLength(50);
    expect(sal.map((s) => s.label)).toEqual(Array.from({ length: 50 }, (_, c) => c));
    expect(sal[0].grad).toHaveLength(3072);
    expect(sal.every((s) => s.predicted < 100)).toBe(true);
  }, 300_000);

  it('a manifest of NHWC arrays (16×16×3, 3 classes): trains the ConvNet on its shape', async () => {
    const dir = await tmp();
    for (const [split, n] of [['train', 30], ['test', 12]] as const) {
      await writeFile(join(dir, `${split}.npz`), npz({ images: npy('|u1', [n, 16, 16, 3], pixels(n, 768)), labels: npy('<i8', [n], int64(Array.from({ length: n }, (_, i) => i % 3))) }));
    }
    await writeFile(join(dir, 'toy.json'), JSON.stringify({ name: 'toy', classes: ['a', 'b', 'c'], train: 'train.npz', test: 'test.npz', mean: 'compute', std: 'compute', augment: { pad: 2, flip: true } }));
    const dataset = await loadManifest(join(dir, 'toy.json'));
    const { stats, sal } = await oneEpoch(dataset, 'convnet', 10);
    expect(Number.isFinite(stats.trainLoss)).toBe(true);
    expect(stats.eval!.confusion).toHaveLength(3);
    expect(stats.eval!.confusion.flat().reduce((a, b) => a + b, 0)).toBe(12);
    expect(sal).toHaveLength(6);
    expect(sal[0]).toMatchObject({ height: 16, width: 16 });
    expect(sal[0].grad).toHaveLength(768);
  }, 300_000);
});
