import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { channelMaxAbs, chwToRgb, panelIndices, saliencyImage } from '../src/study/index.ts';
import { readJson, runFake, smallConfig } from './helpers/study.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();

describe('the saliency panel and maps', () => {
  it('the panel is the first two test images of each class, class by class', () => {
    expect(panelIndices([3, 0, 1, 0, 3, 2, 1, 0, 2, 3], 4)).toEqual([1, 3, 2, 6, 5, 8, 0, 4]);
    expect(panelIndices([1, 1, 1], 3)).toEqual([0, 1]); // classes with no test image are left out
    // 100 classes (CIFAR-100): one image of each of the first 50
    const labels = Array.from({ length: 300 }, (_, i) => i % 100);
    expect(panelIndices(labels, 100)).toEqual(Array.from({ length: 50 }, (_, c) => c));
  });

  it('reduces a gradient to max over channels of |grad|, normalised per image and rounded', () => {
    const grad = Float32Array.from([0.5, -2, 0, 1, /* c1 */ -1, 1, 0, 0.25]); // 2 channels, 4 pixels
    expect(Array.from(channelMaxAbs(grad, 2, 4))).toEqual([1, 2, 0, 1]);
    const img = saliencyImage({ index: 7, label: 1, predicted: 2, grad, image: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) }, 2, 2);
    expect(img).toMatchObject({ index: 7, label: 1, predicted: 2, gradMax: 2, map: [500, 1000, 0, 500] });
    expect(Array.from(Buffer.from(img.rgb, 'base64'))).toEqual([1, 5, 9, 2, 6, 10, 3, 7, 11, 4, 8, 12]);
    expect(Array.from(chwToRgb([1, 2, 3, 4, 5, 6], 2))).toEqual([1, 3, 5, 2, 4, 6]);
    expect(Array.from(chwToRgb([7, 9], 2, 1)), 'grey: one channel in R, G and B').toEqual([7, 7, 7, 9, 9, 9]);
    const grey = saliencyImage({ index: 1, label: 0, predicted: 0, grad: Float32Array.from([1, 2, 3, 4]), image: Uint8Array.from([10, 20, 30, 40]), height: 2, width: 2 });
    expect(grey.map).toEqual([250, 500, 750, 1000]);
    expect(Array.from(Buffer.from(grey.rgb, 'base64'))).toEqual([10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40]);
    const zero = saliencyImage({ index: 0, label: 0, predicted: 0, grad: new Float32Array(12), image: new Uint8Array(12) }, 2, 2);
    expect(zero.map).toEqual([0, 0, 0, 0]);
  });

  it('each done run writes <Label>_saliency.json, referenced from its final.json', async () => {
    const dir = await tmp();
    await runFake(dir, smallConfig({ losses: ['ce', 'l1'], seeds: [0], epochs: 2 }));
    const final = await readJson(dir, 'seed_0/L1_final.json');
    expect(final.saliency).toBe('seed_0/L1_saliency.json');
    const s = await readJson(dir, final.saliency);
    expect(s).toMatchObject({ format: 1, loss: 'l1', label: 'L1', seed: 0, data: 'clean', arch: 'convnet', epoch: 2, height: 32, width: 32, mapScale: 1000 });
    expect(s.classNames).toHaveLength(10);
    expect(s.images.map((i: { index: number }) => i.index)).toEqual([0, 10, 1, 11, 2, 12, 3, 13, 4, 14, 5, 15, 6, 16, 7, 17, 8, 18, 9, 19]);
    for (const im of s.images) {
      expect(im.map).toHaveLength(1024);
      expect(Math.max(...im.map)).toBe(1000);
      expect(im.map.every((v: number) => Number.isInteger(v))).toBe(true);
      expect(Math.min(...im.map)).toBeGreaterThanOrEqual(0);
      expect(Buffer.from(im.rgb, 'base64')).toHaveLength(3072);
      expect(im.label).toBe(im.index % 10);
    }
  });

  it('no saliency file for a diverged run, an engine without saliency, or a failing one (the run stays done)', async () => {
    const dir = await tmp();
    const config = smallConfig({ losses: ['ce', 'l1'], seeds: [0], epochs: 2 });
    await runFake(dir, config, { fake: { divergeAt: { l1: 2 } } });
    expect((await readJson(dir, 'seed_0/L1_final.json')).saliency).toBeNull();
    await expect(access(join(dir, 'seed_0/L1_saliency.json'))).rejects.toThrow();

    const none = await tmp();
    const r = await runFake(none, config, { fake: { noSaliency: true } });
    expect(r.map((x) => x.status)).toEqual(['done', 'done']);
    expect((await readJson(none, 'seed_0/CE_final.json')).saliency).toBeNull();

    const failing = await tmp();
    const f = await runFake(failing, config, { fake: { saliencyFails: true } });
    expect(f.map((x) => x.status)).toEqual(['done', 'done']);
    expect(await readJson(failing, 'seed_0/CE_final.json')).toMatchObject({ saliency: null, saliencyError: 'fake saliency failure' });
  });
});
