/**
 * Plans a Sequential model onto kernels for a fixed batch size: activations allocated once,
 * ReLU fused into the preceding conv/linear, the ReLU's backward fused into the consumer's
 * backward (pool backward with reluMask, linear dx with reluMaskOf), dispatch records built
 * once and re-encoded every step. No WGSL here.
 */
import {
  conv2dForward, conv2dBackwardInput, conv2dBackwardWeight,
  conv2dReluPoolForward, conv2dReluPoolBackward, conv2dReluPoolSupported, conv2dReluPoolSizes,
  maxpool2dForward, maxpool2dBackward,
  matmul, columnSum, reluForward, reluBackward,
  type Dispatch, type KernelContext,
} from '@losslab/kernels';
import { Conv2d, Linear, MaxPool2d, type Sequential, type Shape } from './layers.ts';
import type { ParamStore } from './params.ts';

const flat = (d: Dispatch | Dispatch[]): Dispatch[] => (Array.isArray(d) ? d : [d]);
const size = (s: Shape) => s.reduce((a, b) => a * b, 1);

/** Conv → ReLU → max pool planned as one fused op (pooled output plus argmax words). */
interface ConvReluPool {
  conv: Conv2d;
  pool: MaxPool2d;
  /** The fused forward's argmax words, read by its backward. */
  arg: GPUBuffer;
}

/** One planned node: a layer (with its fused ReLU) between two activation buffers. */
interface Node {
  name: string;
  layer: Conv2d | MaxPool2d | Linear | ConvReluPool | 'relu' | 'flatten';
  inShape: Shape;
  outShape: Shape;
  /** The output is ReLU'd and its consumer's backward must apply the ReLU mask. */
  fusedRelu: boolean;
  input: GPUBuffer;
  output: GPUBuffer;
}

export interface ForwardPlan {
  batch: number;
  input: GPUBuffer; // [batch, ...inputShape]
  logits: GPUBuffer; // [batch, classes]
  classes: number;
  dispatches: Dispatch[];
  /** Named activations (after each layer, ReLU fused where planned) for inspection. */
  activations: { name: string; buffer: GPUBuffer; shape: number[] }[];
  nodes: Node[];
}

export interface BackwardPlan {
  /** d loss / d logits, written by the loss kernel. */
  gradLogits: GPUBuffer;
  /** d loss / d input, when planned with inputGrad. */
  gradInput?: GPUBuffer;
  dispatches: Dispatch[];
}

export interface PlanOptions {
  /**
   * Fuse ReLU into conv/linear and conv → ReLU → max pool 2/2 into one op (training, evaluation).
   * Off: each layer is its own dispatch (parity of pre-ReLU and pre-pool activations).
   */
  fuse?: boolean;
  /** Use this buffer as the input instead of allocating one. */
  input?: GPUBuffer;
}

export function planForward(ctx: KernelContext, model: Sequential, store: ParamStore, batch: number, opts: PlanOptions = {}): ForwardPlan {
  const fuse = opts.fuse ?? true;
  const shapes = model.shapes();
  const input = opts.input ?? ctx.storage(batch * size(model.inputShape) * 4, 'input');
  const nodes: Node[] = [];
  const dispatches: Dispatch[] = [];
  const activations: ForwardPlan['activations'] = [];
  let current = input;
  const layers = model.layers;
  for (let i = 0; i < layers.length; i++) {
    const [name, layer] = layers[i];
    const inShape = shapes[i];
    const next = layers[i + 1]?.[1];
    const fusedRelu = fuse && (layer instanceof Conv2d || layer instanceof Linear) && next?.kind === 'relu';
    const outShape = shapes[fusedRelu ? i + 2 : i + 1];
    const pool = layers[i + 2]?.[1];
    if (fuse && layer instanceof Conv2d && next?.kind === 'relu' && pool instanceof MaxPool2d &&
        conv2dReluPoolSupported(convShape(layer, inShape, batch), { kernel: pool.kernelSize, stride: pool.stride })) {
      // The ReLU's mask travels in the argmax words, so the consumer applies none (fusedRelu false).
      const outShape3 = shapes[i + 3];
      const output = ctx.storage(batch * size(outShape3) * 4, layers[i + 2][0]);
      const arg = ctx.storage(conv2dReluPoolSizes(convShape(layer, inShape, batch)).argWords * 4, `${name}_argmax`);
      const node: Node = { name, layer: { conv: layer, pool, arg }, inShape, outShape: outShape3, fusedRelu: false, input: current, output };
      nodes.push(node);
      dispatches.push(...forwardDispatches(ctx, node, store, batch));
      activations.push({ name: layers[i + 2][0], buffer: output, shape: [batch, ...outShape3] });
      current = output;
      i += 2; // the ReLU and the pool were fused
      continue;
    }
    if (layer.kind === 'flatten') {
      nodes.push({ name, layer: 'flatten', inShape, outShape, fusedRelu: false, input: current, output: current });
      continue;
    }
    const output = ctx.storage(batch * size(outShape) * 4, name);
    const node: Node = { name, layer: layer.kind === 'relu' ? 'relu' : layer, inShape, outShape, fusedRelu, input: current, output };
    nodes.push(node);
    dispatches.push(...forwardDispatches(ctx, node, store, batch));
    // A ReLU's activation is named after what it rectifies (fc1_relu), fused or not.
    const prev = nodes[nodes.length - 2]?.name;
    const actName = fusedRelu ? `${name}_relu` : layer.kind === 'relu' && prev ? `${prev}_relu` : name;
    activations.push({ name: actName, buffer: output, shape: [batch, ...outShape] });
    current = output;
    if (fusedRelu) i++; // the ReLU was fused
  }
  const classes = size(model.outputShape);
  return { batch, input, logits: current, classes, dispatches, activations, nodes };
}

function isConvReluPool(l: Node['layer']): l is ConvReluPool {
  return typeof l === 'object' && 'arg' in l;
}

function convShape(l: Conv2d, inShape: Shape, batch: number) {
  return { n: batch, cin: inShape[0], h: inShape[1], w: inShape[2], cout: l.outChannels, kh: l.kernelSize, kw: l.kernelSize, stride: l.stride, pad: l.padding };
}

function poolShape(l: MaxPool2d, inShape: Shape, batch: number) {
  return { n: batch, c: inShape[0], h: inShape[1], w: inShape[2], kernel: l.kernelSize, stride: l.stride };
}

function forwardDispatches(ctx: KernelContext, node: Node, store: ParamStore, batch: number): Dispatch[] {
  const l = node.layer;
  if (l === 'relu') return flat(reluForward(ctx, { x: node.input, y: node.output, n: batch * size(node.inShape) }));
  if (l === 'flatten') return [];
  if (l instanceof Conv2d) {
    return flat(conv2dForward(ctx, {
      shape: convShape(l, node.inShape, batch), x: node.input,
      weight: store.param(`${node.name}.weight`), bias: store.param(`${node.name}.bias`), y: node.output, relu: node.fusedRelu,
    }));
  }
  if (isConvReluPool(l)) {
    return conv2dReluPoolForward(ctx, {
      shape: convShape(l.conv, node.inShape, batch), x: node.input,
      weight: store.param(`${node.name}.weight`), bias: store.param(`${node.name}.bias`), y: node.output, arg: l.arg,
    });
  }
  if (l instanceof MaxPool2d) return flat(maxpool2dForward(ctx, { shape: poolShape(l, node.inShape, batch), x: node.input, y: node.output }));
  // Linear: y[N,out] = x[N,in] · W[out,in]ᵀ + b
  return flat(matmul(ctx, {
    a: node.input, b: store.param(`${node.name}.weight`), c: node.output, m: batch, k: l.inFeatures, n: l.outFeatures,
    transB: true, bias: store.param(`${node.name}.bias`), relu: node.fusedRelu,
  }));
}

/**
 * Backward through the planned forward: parameter gradients into the store's grads buffer
 * (overwritten), and the input gradient only when asked (saliency, parity).
 */
export function planBackward(ctx: KernelContext, fwd: ForwardPlan, store: ParamStore, opts: { inputGrad?: boolean } = {}): BackwardPlan {
  const batch = fwd.batch;
  const gradLogits = ctx.storage(batch * fwd.classes * 4, 'grad_logits');
  const dispatches: Dispatch[] = [];
  let dOut: GPUBuffer = gradLogits; // gradient w.r.t. the current node's output (pre-ReLU if fused: already masked)
  let gradInput: GPUBuffer | undefined;
  const nodes = fwd.nodes;
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    const l = node.layer;
    const isFirst = i === 0 || nodes.slice(0, i).every((n) => n.layer === 'flatten');
    const needDx = !isFirst || opts.inputGrad === true;
    // The producer of this node's input, skipping flattens: does it end in a fused ReLU?
    let p = i - 1;
    while (p >= 0 && nodes[p].layer === 'flatten') p--;
    const maskInput = p >= 0 && nodes[p].fusedRelu;
    if (l === 'flatten') continue;
    const dx = needDx ? ctx.storage(batch * size(node.inShape) * 4, `grad_${node.name}_in`) : undefined;
    if (l === 'relu') {
      if (dx) dispatches.push(...flat(reluBackward(ctx, { y: node.output, dy: dOut, dx, n: batch * size(node.inShape) })));
    } else if (l instanceof Conv2d) {
      const shape = convShape(l, node.inShape, batch);
      dispatches.push(...conv2dBackwardWeight(ctx, { shape, x: node.input, dy: dOut, dweight: store.grad(`${node.name}.weight`), dbias: store.grad(`${node.name}.bias`) }));
      if (dx) {
        // conv backward cannot fuse the producer's ReLU mask: write raw, then mask into dx.
        const raw = maskInput ? ctx.storage(batch * size(node.inShape) * 4, `grad_${node.name}_raw`) : dx;
        dispatches.push(...flat(conv2dBackwardInput(ctx, { shape, dy: dOut, weight: store.param(`${node.name}.weight`), dx: raw })));
        if (maskInput) dispatches.push(...flat(reluBackward(ctx, { y: node.input, dy: raw, dx, n: batch * size(node.inShape) })));
      }
    } else if (isConvReluPool(l)) {
      // As for a conv: the input gradient is raw, so a fused producer ReLU is masked afterwards.
      const raw = dx && maskInput ? ctx.storage(batch * size(node.inShape) * 4, `grad_${node.name}_raw`) : dx;
      dispatches.push(...conv2dReluPoolBackward(ctx, {
        shape: convShape(l.conv, node.inShape, batch), x: node.input, weight: store.param(`${node.name}.weight`), gy: dOut, arg: l.arg,
        dweight: store.grad(`${node.name}.weight`), dbias: store.grad(`${node.name}.bias`), dx: raw,
      }));
      if (dx && raw && raw !== dx) dispatches.push(...flat(reluBackward(ctx, { y: node.input, dy: raw, dx, n: batch * size(node.inShape) })));
    } else if (l instanceof MaxPool2d) {
      if (dx) dispatches.push(...flat(maxpool2dBackward(ctx, { shape: poolShape(l, node.inShape, batch), x: node.input, dy: dOut, dx, reluMask: maskInput })));
    } else {
      // Linear: dW[out,in] = dyᵀ·x, db = Σ_rows dy, dx[N,in] = dy·W (masked by the producer's ReLU)
      dispatches.push(...flat(matmul(ctx, { a: dOut, b: node.input, c: store.grad(`${node.name}.weight`), m: l.outFeatures, k: batch, n: l.inFeatures, transA: true })));
      dispatches.push(...flat(columnSum(ctx, { x: dOut, out: store.grad(`${node.name}.bias`), rows: batch, cols: l.outFeatures })));
      if (dx) {
        dispatches.push(...flat(matmul(ctx, {
          a: dOut, b: store.param(`${node.name}.weight`), c: dx, m: batch, k: l.outFeatures, n: l.inFeatures,
          reluMaskOf: maskInput ? node.input : undefined,
        })));
      }
    }
    if (dx) dOut = dx;
    if (isFirst) gradInput = dx;
  }
  return { gradLogits, gradInput, dispatches };
}
