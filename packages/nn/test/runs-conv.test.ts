// Conv2d and ReLU modules with the run dimension: a small conv net planned over a store of R = 3
// runs (different weights, inputs and output gradients per run) gives each run's output, input
// gradient and parameter gradients bit-identical to planning that run alone — with ReLU fused into
// the convs (masks applied by the next conv's backward) and with ReLU as its own module.
import { describe, expect, it } from 'vitest';
import { testDevice } from './device.ts';
import { checkLockstep } from './runs.ts';
import { Conv2d, ReLU, Sequential } from '../src/index.ts';

const model = () => new Sequential([
  ['conv1', new Conv2d(3, 8, 3, { padding: 1 })], ['relu1', new ReLU()],
  ['conv2', new Conv2d(8, 8, 3, { stride: 2, padding: 1, bias: false })], ['relu2', new ReLU()],
  ['conv3', new Conv2d(8, 4, 3)],
], [3, 16, 16]);

describe('Conv2d and ReLU modules in lockstep', () => {
  it.each([true, false])('fuse %s: each of 3 runs bit-identical to running it alone', async (fuse) => {
    const { ctx } = await testDevice();
    const kinds = await checkLockstep(ctx, model(), { runs: 3, batch: 3, fuse, seed: 77 });
    expect(kinds).toEqual(fuse ? ['conv2d+relu', 'conv2d+relu', 'conv2d'] : ['conv2d', 'relu', 'conv2d', 'relu', 'conv2d']);
  });
});
