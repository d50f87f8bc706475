/**
 * The registered `batchnorm2d` runner. params: mode 'train' (default) | 'eval', relu, momentum.
 * Inputs x, weight, bias, running_mean, running_var (num_batches_tracked optional), grad_y
 * optional. Outputs y, the updated running_mean / running_var / num_batches_tracked (train),
 * and grad_x (plus grad_weight, grad_bias in train mode) when grad_y is given.
 */
import { alignUp, type Binding } from '../core.ts';
import { registerOp, numel, uploadTensor, readTensors, type Tensors } from '../registry.ts';
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
    // The kernels take the running state (and dγ, dβ) as tensors of one buffer, as a store lays them out.
    const slot = alignUp(c, 64); // floats per tensor: 256-byte aligned offsets
    const stateData = new Float32Array(2 * slot + 1);
    stateData.set(running_mean.data, 0);
    stateData.set(running_var.data, slot);
    stateData[2 * slot] = num_batches_tracked?.data[0] ?? 0;
    const stateBuf = ctx.upload(stateData, 'state');
    const at = (buffer: GPUBuffer, k: number, floats: number): Binding => ({ buffer, offset: k * slot * 4, size: floats * 4 });
    const state = { runningMean: at(stateBuf, 0, c), runningVar: at(stateBuf, 1, c), numBatchesTracked: at(stateBuf, 2, 1) };
    const saved = ctx.storage(batchnorm2dSavedBytes(c), 'saved');
    const outputs: Record<string, [GPUBuffer, number[]]> = { y: [yb, x.shape] };
    const inStore: [string, Binding, number[]][] = [];
    const dispatches = train
      ? batchnorm2dForwardTrain(ctx, { shape, x: xb, weight: wb, bias: bb, y: yb, saved, state, relu, momentum: params.momentum === undefined ? undefined : Number(params.momentum) })
      : [batchnorm2dForwardEval(ctx, { shape, x: xb, weight: wb, bias: bb, y: yb, state, relu })];
    if (train) inStore.push(['running_mean', state.runningMean, [c]], ['running_var', state.runningVar, [c]], ['num_batches_tracked', state.numBatchesTracked, []]);
    if (grad_y) {
      const dy = uploadTensor(ctx, grad_y);
      const dx = ctx.storage(numel(x.shape) * 4, 'grad_x');
      outputs.grad_x = [dx, x.shape];
      if (train) {
        const gradBuf = ctx.storage(2 * slot * 4, 'grads');
        const dweight = at(gradBuf, 0, c);
        const dbias = at(gradBuf, 1, c);
        inStore.push(['grad_weight', dweight, [c]], ['grad_bias', dbias, [c]]);
        dispatches.push(...batchnorm2dBackward(ctx, { shape, x: xb, y: yb, dy, saved, weight: wb, dweight, dbias, dx, relu }));
      } else {
        dispatches.push(batchnorm2dBackwardEval(ctx, { shape, y: yb, dy, state, weight: wb, dx, relu }));
      }
    }
    ctx.run(dispatches, 'batchnorm2d');
    const out: Tensors = await readTensors(ctx, outputs);
    for (const [name, b, tshape] of inStore) out[name] = { shape: tshape, data: await ctx.readF32(b.buffer, numel(tshape), b.offset! / 4) };
    return out;
  },
});
