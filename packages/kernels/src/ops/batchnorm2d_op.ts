/**
 * The registered `batchnorm2d` runner. params: mode 'train' (default) | 'eval', relu, momentum.
 * Inputs x, weight, bias, running_mean, running_var (num_batches_tracked optional), grad_y
 * optional. Outputs y, the updated running_mean / running_var / num_batches_tracked (train),
 * and grad_x (plus grad_weight, grad_bias in train mode) when grad_y is given.
 */
import { registerOp, numel, uploadTensor, readTensors } from '../registry.ts';
import { batchnorm2dForwardTrain, batchnorm2dForwardEval, batchnorm2dBackward, batchnorm2dBackwardEval, batchnorm2dSavedBytes, type BatchNorm2dShape } from './batchnorm2d.ts';

registerOp({
  op: 'batchnorm2d',
  async run(ctx, params, inputs) {
    const { x, weight, bias, running_mean, running_var, num_batches_tracked, grad_y } = inputs;
    const [n, c, h, w] = x.shape;
    const shape: BatchNorm2dShape = { n, c, h, w };
    const train = (params.mode ?? 'train') === 'train';
    const relu = Boolean(params.relu);
    const xb = uploadTensor(ctx, x);
    const wb = uploadTensor(ctx, weight);
    const bb = uploadTensor(ctx, bias);
    const yb = ctx.storage(numel(x.shape) * 4, 'y');
    const state = {
      runningMean: uploadTensor(ctx, running_mean),
      runningVar: uploadTensor(ctx, running_var),
      numBatchesTracked: uploadTensor(ctx, num_batches_tracked ?? { shape: [], data: [0] }),
    };
    const saved = ctx.storage(batchnorm2dSavedBytes(c), 'saved');
    const outputs: Record<string, [GPUBuffer, number[]]> = { y: [yb, x.shape] };
    const dispatches = train
      ? batchnorm2dForwardTrain(ctx, { shape, x: xb, weight: wb, bias: bb, y: yb, saved, state, relu, momentum: params.momentum === undefined ? undefined : Number(params.momentum) })
      : [batchnorm2dForwardEval(ctx, { shape, x: xb, weight: wb, bias: bb, y: yb, state, relu })];
    if (train) {
      outputs.running_mean = [state.runningMean, [c]];
      outputs.running_var = [state.runningVar, [c]];
      outputs.num_batches_tracked = [state.numBatchesTracked, []];
    }
    if (grad_y) {
      const dy = uploadTensor(ctx, grad_y);
      const dx = ctx.storage(numel(x.shape) * 4, 'grad_x');
      outputs.grad_x = [dx, x.shape];
      if (train) {
        const dweight = ctx.storage(c * 4, 'grad_weight');
        const dbias = ctx.storage(c * 4, 'grad_bias');
        outputs.grad_weight = [dweight, [c]];
        outputs.grad_bias = [dbias, [c]];
        dispatches.push(...batchnorm2dBackward(ctx, { shape, x: xb, y: yb, dy, saved, weight: wb, dweight, dbias, dx, relu }));
      } else {
        dispatches.push(batchnorm2dBackwardEval(ctx, { shape, y: yb, dy, state, weight: wb, dx, relu }));
      }
    }
    ctx.run(dispatches, 'batchnorm2d');
    return readTensors(ctx, outputs);
  },
});
