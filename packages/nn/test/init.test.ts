import { describe, expect, it } from 'vitest';
import { convNet, convNetLarge, initialParams, Rng } from '../src/index.ts';

describe('seeded initialisation (PyTorch default: U(±1/√fan_in) for weights and biases)', () => {
  for (const [name, model] of [['convnet', convNet()], ['convnet-large', convNetLarge()]] as const) {
    it(`${name}: every parameter within its bound, with the moments of a uniform`, () => {
      const params = initialParams(model.params(), new Rng(7, 'init'));
      for (const spec of model.params()) {
        const { data } = params[spec.name];
        const bound = 1 / Math.sqrt(spec.fanIn);
        let min = Infinity, max = -Infinity, sum = 0, sq = 0;
        for (const v of data) { min = Math.min(min, v); max = Math.max(max, v); sum += v; sq += v * v; }
        expect(min, spec.name).toBeGreaterThanOrEqual(-bound);
        expect(max, spec.name).toBeLessThan(bound);
        if (data.length >= 1000) {
          const n = data.length;
          const mean = sum / n;
          const variance = sq / n - mean * mean;
          // U(-b, b): mean 0 (sd b/√(3n)), variance b²/3; 5-sigma-ish bands
          expect(Math.abs(mean), spec.name).toBeLessThan(5 * bound / Math.sqrt(3 * n));
          expect(variance / (bound * bound / 3), spec.name).toBeGreaterThan(0.9);
          expect(variance / (bound * bound / 3), spec.name).toBeLessThan(1.1);
          expect(max, spec.name).toBeGreaterThan(0.95 * bound);
          expect(min, spec.name).toBeLessThan(-0.95 * bound);
        }
      }
    });
  }

  it('identical seeds give identical models; different seeds differ', () => {
    const a = initialParams(convNet().params(), new Rng(3, 'init'));
    const b = initialParams(convNet().params(), new Rng(3, 'init'));
    const c = initialParams(convNet().params(), new Rng(4, 'init'));
    for (const k of Object.keys(a)) expect(Array.from(a[k].data)).toEqual(Array.from(b[k].data));
    expect(Array.from(a['fc1.weight'].data)).not.toEqual(Array.from(c['fc1.weight'].data));
  });

  it('has the state-dict names and shapes of the PyTorch ConvNet', () => {
    expect(convNet().params().map((p) => `${p.name}:${p.shape.join('x')}`)).toEqual([
      'conv1.weight:4x3x3x3', 'conv1.bias:4', 'conv2.weight:8x4x3x3', 'conv2.bias:8',
      'fc1.weight:32x288', 'fc1.bias:32', 'fc2.weight:10x32', 'fc2.bias:10',
    ]);
  });

  it('permutations are permutations and reproducible', () => {
    const p = new Rng(1, 'shuffle/1').permutation(1000);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(new Rng(1, 'shuffle/1').permutation(1000))).toEqual(Array.from(p));
    expect(Array.from(new Rng(1, 'shuffle/2').permutation(1000))).not.toEqual(Array.from(p));
  });
});
