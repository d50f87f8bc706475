// Saliency on the device against the float64 CPU ConvNet (kernels' references), with the gradient tolerance.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compare, F32, FINITE_DIFFERENCE } from '@losslab/kernels/testing';
import { argmaxOneHot, convNet, initialParams, ParamStore, Rng, SaliencyStep, stateDictFromJson, type StateDict } from '../src/index.ts';
import { convNetRef } from './convnet-ref.ts';
import { testDevice } from './device.ts';

function randomInput(n: number, seed: number): Float32Array<ArrayBuffer> {
  const rng = new Rng(seed, 'saliency-input');
  return Float32Array.from({ length: n * 3072 }, () => rng.uniform(-2, 2));
}

async function check(params: StateDict, input: Float32Array<ArrayBuffer>, n: number) {
  const { ctx } = await testDevice();
  const model = convNet();
  const store = new ParamStore(ctx, model.params());
  store.load(params);
  const got = await new SaliencyStep(ctx, model, store, n).run(input);

  const ref = convNetRef(params, n);
  const f = ref.forward(input);
  const { predicted, seed } = argmaxOneHot(f.logits, n, 10);
  expect(Array.from(got.predicted)).toEqual(Array.from(predicted));
  const expected = ref.backwardInput(f, seed);
  const c = compare('grad input', { shape: [n, 3, 32, 32], data: got.grad }, { shape: [n, 3, 32, 32], data: expected }, F32);
  expect(c.pass, c.message).toBe(true);
  expect(Math.max(...expected.map(Math.abs))).toBeGreaterThan(1e-4); // not a vacuous comparison
  return { ref, f, predicted, expected };
}

describe('SaliencyStep: d logit[argmax] / d input', () => {
  it('argmaxOneHot takes the first maximum and seeds a one-hot', () => {
    const { predicted, seed } = argmaxOneHot([1, 3, 3, -1, -2, -5], 2, 3);
    expect(Array.from(predicted)).toEqual([1, 0]);
    expect(Array.from(seed)).toEqual([0, 1, 0, 1, 0, 0]);
  });

  it('matches the float64 CPU ConvNet on a seeded model, and central differences confirm the reference', async () => {
    const n = 3;
    const params = initialParams(convNet().params(), new Rng(11, 'init'));
    const input = randomInput(n, 5);
    const { ref, predicted, expected } = await check(params, input, n);
    // Central differences of the float64 forward on a few input elements of each sample.
    const x = Float64Array.from(input);
    const h = 1e-6;
    for (let s = 0; s < n; s++) {
      for (const e of [5 * 32 + 7, 1024 + 16 * 32 + 16, 2048 + 30 * 32 + 3]) {
        const i = s * 3072 + e;
        const at = (v: number) => { const y = x.slice(); y[i] = v; return ref.forward(y).logits[s * 10 + predicted[s]]; };
        const fd = (at(x[i] + h) - at(x[i] - h)) / (2 * h);
        expect(Math.abs(fd - expected[i])).toBeLessThan(FINITE_DIFFERENCE.abs + FINITE_DIFFERENCE.rel * Math.abs(expected[i]));
      }
    }
  });

  it('on 1×28×28 inputs with 100 classes (the model built for the data): matches the float64 CPU ConvNet', async () => {
    const { ctx } = await testDevice();
    const n = 3;
    const model = convNet(100, [1, 28, 28]);
    const params = initialParams(model.params(), new Rng(12, 'init'));
    const store = new ParamStore(ctx, model.params());
    store.load(params);
    const rng = new Rng(6, 'saliency-input');
    const input = Float32Array.from({ length: n * 784 }, () => rng.uniform(-2, 2));
    const got = await new SaliencyStep(ctx, model, store, n).run(input);
    const ref = convNetRef(params, n, 1, 28, 100);
    const f = ref.forward(input);
    const { predicted, seed } = argmaxOneHot(f.logits, n, 100);
    expect(Array.from(got.predicted)).toEqual(Array.from(predicted));
    expect(got.logits.length).toBe(n * 100);
    const expected = ref.backwardInput(f, seed);
    const c = compare('grad input', { shape: [n, 1, 28, 28], data: got.grad }, { shape: [n, 1, 28, 28], data: expected }, F32);
    expect(c.pass, c.message).toBe(true);
    expect(Math.max(...expected.map(Math.abs))).toBeGreaterThan(1e-4);
  });

  it('matches the float64 CPU ConvNet with the PyTorch fixture parameters and batch', async () => {
    const fixture = JSON.parse(readFileSync(new URL('./fixtures/convnet.json', import.meta.url), 'utf8')) as { params: unknown; input: { shape: number[]; data: number[] } };
    const params = stateDictFromJson(JSON.stringify(fixture.params));
    await check(params, Float32Array.from(fixture.input.data), fixture.input.shape[0]);
  });
});
