/**
 * The planner: a model (a graph of modules, graph.ts) onto kernels for a fixed batch size and
 * mode. Design:
 *  - The fusion pass (fuse.ts) first rewrites the graph into planned nodes (conv → ReLU → pool
 *    as one op, ReLU folded into its producer), so fast paths are a graph rewrite, not special
 *    cases here.
 *  - Forward: nodes in order; each output gets its buffer once (views share their input's) and
 *    each module plans its own dispatches for the mode (train: batch statistics; eval: running).
 *  - Backward: nodes in reverse. Each module writes its parameter gradients (overwritten) and
 *    hands back, per input, a gradient buffer it wrote or a way to write one. Before a node runs
 *    its backward, the planner finalises d loss / d (its output): one contribution is used as is,
 *    several are summed (the ones that can add do so into the first; others go through a sum
 *    kernel), so a tensor consumed twice — a residual block's input — gets the sum.
 *  - Dispatch records are built once and re-encoded every step. No WGSL here.
 * Adding a layer: one module in ./modules (shapes, params, state, forward, backward) plus its
 * kernels in @losslab/kernels; a new fusion is one pattern in fuse.ts.
 */
import { accumulateInto, type Dispatch, type KernelContext } from '@losslab/kernels';
import { numel, type InputGrad, type Mode, type Tensor } from './module.ts';
import { INPUT, type Graph } from './graph.ts';
import { plannedNodes, type PlannedNode } from './fuse.ts';
import type { ParamStore } from './params.ts';

/** A planned node with its tensors and what its forward kept for its backward. */
interface Node extends PlannedNode {
  inputTensors: Tensor[];
  output: Tensor;
  saved: Record<string, GPUBuffer>;
}

export interface ForwardPlan {
  batch: number;
  mode: Mode;
  input: GPUBuffer; // [batch, ...inputShape]
  logits: GPUBuffer; // [batch, classes]
  classes: number;
  dispatches: Dispatch[];
  /** Named activations (after each planned node, ReLU fused where planned) for inspection. */
  activations: { name: string; buffer: GPUBuffer; shape: number[] }[];
  nodes: Node[];
  inputShape: number[];
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
   * Fuse ReLU into its producer and conv → ReLU → max pool 2/2 into one op (training, evaluation).
   * Off: each module is its own dispatch (parity of pre-ReLU and pre-pool activations).
   */
  fuse?: boolean;
  /** Use this buffer as the input instead of allocating one. */
  input?: GPUBuffer;
  /** 'train' (default): BatchNorm uses and updates batch statistics; 'eval': running statistics. */
  mode?: Mode;
}

export function planForward(ctx: KernelContext, model: Graph, store: ParamStore, batch: number, opts: PlanOptions = {}): ForwardPlan {
  const mode = opts.mode ?? 'train';
  const runs = store.runs;
  const input = opts.input ?? ctx.storage(runs.count * batch * numel(model.inputShape) * 4, 'input');
  const tensors = new Map<string, Tensor>([[INPUT, { shape: model.inputShape, buffer: input, relu: false }]]);
  const nodes: Node[] = [];
  const dispatches: Dispatch[] = [];
  const activations: ForwardPlan['activations'] = [];
  for (const p of plannedNodes(model, opts.fuse ?? true, batch, ctx.device.limits)) {
    const inputTensors = p.inputs.map((x) => tensors.get(x)!);
    const shape = p.module.outShape(inputTensors.map((t) => t.shape));
    const output: Tensor = p.module.view
      ? { shape, buffer: inputTensors[0].buffer, relu: inputTensors[0].relu }
      : { shape, buffer: ctx.storage(runs.count * batch * numel(shape) * 4, p.name), relu: p.module.reluOut ?? false };
    const node: Node = { ...p, inputTensors, output, saved: {} };
    dispatches.push(...p.module.forward({ ctx, store, batch, runs, mode, name: p.prefix, inputs: inputTensors, output, saved: node.saved }));
    if (!p.module.view) activations.push({ name: p.activation, buffer: output.buffer, shape: [batch, ...shape] });
    tensors.set(p.name, output);
    nodes.push(node);
  }
  const last = nodes[nodes.length - 1].output;
  return { batch, mode, input, logits: last.buffer, classes: numel(last.shape), dispatches, activations, nodes, inputShape: model.inputShape };
}

/**
 * Backward through the planned forward: parameter gradients into the store's grads buffer
 * (overwritten), and the input gradient only when asked (saliency, parity).
 */
export function planBackward(ctx: KernelContext, fwd: ForwardPlan, store: ParamStore, opts: { inputGrad?: boolean } = {}): BackwardPlan {
  const { batch, mode, nodes } = fwd;
  const runs = store.runs;
  const gradLogits = ctx.storage(runs.count * batch * fwd.classes * 4, 'grad_logits');
  const dispatches: Dispatch[] = [];
  const pending = new Map<string, InputGrad[]>();

  /** d loss / d tensor from its consumers' contributions (undefined when nothing flows back). */
  const finalise = (name: string, shape: number[]): GPUBuffer | undefined => {
    const parts = pending.get(name) ?? [];
    const written = parts.filter((g): g is { buffer: GPUBuffer } => 'buffer' in g).map((g) => g.buffer);
    const emitters = parts.filter((g) => 'emit' in g);
    if (!parts.length) return undefined;
    if (parts.length === 1 && written.length === 1) return written[0];
    const n = runs.count * batch * numel(shape);
    const target = written[0] ?? ctx.storage(n * 4, `grad_${name}`);
    for (const src of written.slice(1)) dispatches.push(accumulateInto(ctx, { src, dst: target, n }));
    emitters.forEach((g, k) => dispatches.push(...g.emit(target, written.length > 0 || k > 0)));
    return target;
  };

  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    const dy = i === nodes.length - 1 ? gradLogits : finalise(node.name, node.output.shape);
    if (!dy) continue;
    const needInput = node.inputs.map((x) => x !== INPUT || opts.inputGrad === true);
    const r = node.module.backward({
      ctx, store, batch, runs, mode, name: node.prefix, inputs: node.inputTensors, output: node.output, saved: node.saved, dy, needInput,
    });
    dispatches.push(...r.dispatches);
    r.inputs.forEach((g, k) => {
      if (g) pending.set(node.inputs[k], [...(pending.get(node.inputs[k]) ?? []), g]);
    });
  }
  const gradInput = opts.inputGrad ? finalise(INPUT, fwd.inputShape) : undefined;
  return { gradLogits, gradInput, dispatches };
}
