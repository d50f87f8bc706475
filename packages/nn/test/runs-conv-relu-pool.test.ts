// ConvReluPool and MaxPool2d modules with the run dimension: conv → ReLU → 2×2 pool blocks planned
// over a store of R = 3 runs give each run's output, input gradient and parameter gradients
// bit-identical to planning that run alone. Fused: the fused op at the model's input (its input
// gradient), after a conv with a fused ReLU (the fused op's raw input gradient then masked), and a
// block the planner does not fuse (too many packed weights: conv + ReLU, then MaxPool2d applying
// the mask); unfused: conv, ReLU and MaxPool2d modules. Batch 5 per run: not the kernels' tiles.
import { describe, expect, it } from 'vitest';
import { testDevice } from './device.ts';
import { checkLockstep } from './runs.ts';
import { Conv2d, MaxPool2d, ReLU, Sequential } from '../src/index.ts';

const model = () => new Sequential([
  ['conv1', new Conv2d(3, 4, 3)], ['relu1', new ReLU()], ['pool1', new MaxPool2d(2)],
  ['conv2', new Conv2d(4, 8, 3, { padding: 1 })], ['relu2', new ReLU()],
  ['conv3', new Conv2d(8, 8, 3, { padding: 1 })], ['relu3', new ReLU()], ['pool3', new MaxPool2d(2)],
  ['conv4', new Conv2d(8, 64, 3, { padding: 1 })], ['relu4', new ReLU()], ['pool4', new MaxPool2d(2)],
], [3, 22, 22]);

describe('ConvReluPool and MaxPool2d modules in lockstep', () => {
  it.each([true, false])('fuse %s: each of 3 runs bit-identical to running it alone', async (fuse) => {
    const { ctx } = await testDevice();
    const kinds = await checkLockstep(ctx, model(), { runs: 3, batch: 5, fuse, seed: 78 });
    expect(kinds).toEqual(fuse
      ? ['conv2d_relu_pool', 'conv2d+relu', 'conv2d_relu_pool', 'conv2d+relu', 'maxpool2d']
      : ['conv2d', 'relu', 'maxpool2d', 'conv2d', 'relu', 'conv2d', 'relu', 'maxpool2d', 'conv2d', 'relu', 'maxpool2d']);
  });
});
