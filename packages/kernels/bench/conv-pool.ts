/**
 * Conv and max-pool kernel timings (separate ops, and the fused block the model runs) at the ConvNet's shapes (conv1 3→4 k3 on 32×32, pool 2/2 on
 * 30×30, conv2 4→8 k3 on 15×15, pool 2/2 on 13×13) for one batch size.
 */
import type { KernelContext } from '../src/core.ts';
import { conv2dForward, conv2dBackwardInput, conv2dBackwardWeight, conv2dOutputSize, type Conv2dShape } from '../src/ops/conv2d.ts';
import { describeConvPlan, planConv } from '../src/ops/conv2d_plan.ts';
import { maxpool2dForward, maxpool2dBackward, maxpool2dOutputSize, type Pool2dShape } from '../src/ops/maxpool2d.ts';
import { conv2dReluPoolForward, conv2dReluPoolBackward, conv2dReluPoolSizes } from '../src/ops/conv2d_relu_pool.ts';
import { benchRow, timeDispatches, type BenchRow } from './timing.ts';

function filled(ctx: KernelContext, count: number, seed: number): GPUBuffer {
  const a = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return ctx.upload(a, 'bench input');
}

async function benchConv(ctx: KernelContext, name: string, s: Conv2dShape, withInputGrad: boolean): Promise<BenchRow[]> {
  const { oh, ow } = conv2dOutputSize(s);
  const shape = `${s.n}×${s.cin}×${s.h}×${s.w} → ${s.cout}×${oh}×${ow} k${s.kh}${s.stride > 1 ? ` s${s.stride}` : ''}${s.pad ? ` p${s.pad}` : ''}`;
  const plan = describeConvPlan(planConv(s, { relu: true, bias: true }, ctx.device.limits));
  const outCount = s.n * s.cout * oh * ow;
  const xCount = s.n * s.cin * s.h * s.w;
  const wCount = s.cout * s.cin * s.kh * s.kw;
  const flops = 2 * outCount * s.cin * s.kh * s.kw;
  const x = filled(ctx, xCount, 1);
  const weight = filled(ctx, wCount, 2);
  const bias = filled(ctx, s.cout, 3);
  const dy = filled(ctx, outCount, 4);
  const y = ctx.storage(outCount * 4);
  const dx = ctx.storage(xCount * 4);
  const dweight = ctx.storage(wCount * 4);
  const dbias = ctx.storage(s.cout * 4);
  const rows: BenchRow[] = [];
  const fwd = [conv2dForward(ctx, { shape: s, x, weight, bias, y, relu: true })].flat();
  rows.push(benchRow(`${name} forward+relu`, shape, await timeDispatches(ctx, fwd), fwd.length, { flops, bytes: 4 * (xCount + outCount) }, plan));
  if (withInputGrad) {
    const bi = [conv2dBackwardInput(ctx, { shape: s, dy, weight, dx })].flat();
    rows.push(benchRow(`${name} backward input`, shape, await timeDispatches(ctx, bi), bi.length, { flops, bytes: 4 * (xCount + outCount) }));
  }
  const bw = conv2dBackwardWeight(ctx, { shape: s, x, dy, dweight, dbias });
  rows.push(benchRow(`${name} backward weight`, shape, await timeDispatches(ctx, bw), bw.length, { flops, bytes: 4 * (xCount + outCount) }));
  for (const b of [x, weight, bias, dy, y, dx, dweight, dbias]) b.destroy();
  return rows;
}

async function benchPool(ctx: KernelContext, name: string, s: Pool2dShape): Promise<BenchRow[]> {
  const { oh, ow } = maxpool2dOutputSize(s);
  const shape = `${s.n}×${s.c}×${s.h}×${s.w} k${s.kernel} s${s.stride}`;
  const xCount = s.n * s.c * s.h * s.w;
  const yCount = s.n * s.c * oh * ow;
  const x = filled(ctx, xCount, 5);
  const dy = filled(ctx, yCount, 6);
  const y = ctx.storage(yCount * 4);
  const dx = ctx.storage(xCount * 4);
  const fwd = [maxpool2dForward(ctx, { shape: s, x, y })];
  const bwd = [maxpool2dBackward(ctx, { shape: s, x, dy, dx, reluMask: true })];
  const rows = [
    benchRow(`${name} forward`, shape, await timeDispatches(ctx, fwd), 1, { bytes: 4 * (xCount + yCount) }),
    benchRow(`${name} backward+relu`, shape, await timeDispatches(ctx, bwd), 1, { bytes: 4 * (2 * xCount + yCount) }),
  ];
  for (const b of [x, dy, y, dx]) b.destroy();
  return rows;
}

/** The fused conv → ReLU → max-pool 2/2 block the ConvNet's training step runs (forward; backward weight, and input when asked). */
async function benchConvReluPool(ctx: KernelContext, name: string, s: Conv2dShape, withInputGrad: boolean): Promise<BenchRow[]> {
  const z = conv2dReluPoolSizes(s);
  const shape = `${s.n}×${s.cin}×${s.h}×${s.w} → ${s.cout}×${z.ph}×${z.pw} k${s.kh}+pool2`;
  const plan = describeConvPlan(planConv(s, { relu: true, bias: true, pool: { kernel: 2, stride: 2 } }, ctx.device.limits));
  const xCount = s.n * s.cin * s.h * s.w;
  const wCount = s.cout * s.cin * s.kh * s.kw;
  const yCount = s.n * s.cout * z.ph * z.pw;
  const flops = 2 * s.n * s.cout * z.oh * z.ow * s.cin * s.kh * s.kw;
  const x = filled(ctx, xCount, 1);
  const weight = filled(ctx, wCount, 2);
  const bias = filled(ctx, s.cout, 3);
  const gy = filled(ctx, yCount, 4);
  const y = ctx.storage(yCount * 4);
  const arg = ctx.storage(z.argWords * 4);
  const dx = ctx.storage(xCount * 4);
  const dweight = ctx.storage(wCount * 4);
  const dbias = ctx.storage(s.cout * 4);
  const fwd = conv2dReluPoolForward(ctx, { shape: s, x, weight, bias, y, arg });
  const rows = [benchRow(`${name} fused conv+relu+pool forward`, shape, await timeDispatches(ctx, fwd), fwd.length, { flops, bytes: 4 * (xCount + yCount) }, plan)];
  ctx.run(fwd); // argmax words for the backward
  const bwd = conv2dReluPoolBackward(ctx, { shape: s, x, weight, gy, arg, dweight, dbias, dx: withInputGrad ? dx : undefined });
  rows.push(benchRow(`${name} fused backward${withInputGrad ? ' (weight+input)' : ' (weight)'}`, shape, await timeDispatches(ctx, bwd), bwd.length, { flops: flops * (withInputGrad ? 2 : 1) }));
  for (const b of [x, weight, bias, gy, y, arg, dx, dweight, dbias]) b.destroy();
  return rows;
}

/**
 * conv1/conv2 forward and backward (conv1 needs no input gradient in training) and both pools, at
 * `batch`; ResNet's 3×3 convolution at 16 channels and its stride-2 16→32 one. Each conv row
 * carries the planner's choice.
 */
export async function benchConvPool(ctx: KernelContext, batch: number): Promise<BenchRow[]> {
  const k3 = { kh: 3, kw: 3, stride: 1, pad: 0 };
  return [
    ...(await benchConv(ctx, 'conv1', { n: batch, cin: 3, h: 32, w: 32, cout: 4, ...k3 }, false)),
    ...(await benchPool(ctx, 'pool1', { n: batch, c: 4, h: 30, w: 30, kernel: 2, stride: 2 })),
    ...(await benchConv(ctx, 'conv2', { n: batch, cin: 4, h: 15, w: 15, cout: 8, ...k3 }, true)),
    ...(await benchPool(ctx, 'pool2', { n: batch, c: 8, h: 13, w: 13, kernel: 2, stride: 2 })),
    ...(await benchConvReluPool(ctx, 'conv1', { n: batch, cin: 3, h: 32, w: 32, cout: 4, ...k3 }, false)),
    ...(await benchConvReluPool(ctx, 'conv2', { n: batch, cin: 4, h: 15, w: 15, cout: 8, ...k3 }, true)),
    ...(await benchConv(ctx, 'resnet 3×3', { n: batch, cin: 16, h: 32, w: 32, cout: 16, kh: 3, kw: 3, stride: 1, pad: 1 }, true)),
    ...(await benchConv(ctx, 'resnet 3×3 stride 2', { n: batch, cin: 16, h: 32, w: 32, cout: 32, kh: 3, kw: 3, stride: 2, pad: 1 }, true)),
  ];
}
