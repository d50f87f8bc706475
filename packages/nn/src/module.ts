/**
 * What a layer is: a Module describes its shapes, owns its parameters (with their
 * initialisation) and its non-trainable state, and plans its own forward (per mode) and backward
 * onto kernels. The planner (plan.ts) only wires modules together; it knows no layer by name.
 */
import type { Dispatch, KernelContext, Runs } from '@losslab/kernels';
import type { ParamStore } from './params.ts';

export type Shape = number[]; // per sample, e.g. [3, 32, 32]

/** train: batch statistics (and their running update); eval: running statistics, no state changes. */
export type Mode = 'train' | 'eval';

/** How a parameter is drawn: decided by the layer that owns it (not by its name). */
export type Init =
  | { kind: 'uniform'; bound: number }
  | { kind: 'normal'; std: number }
  | { kind: 'constant'; value: number };

export interface ParamSpec {
  name: string; // PyTorch state-dict name, e.g. 'conv1.weight'
  shape: number[];
  /** PyTorch's fan_in of the owning layer. */
  fanIn: number;
  init: Init;
}

/** Non-trainable state (BatchNorm's running statistics): no gradient, no momentum, no weight decay. */
export interface StateSpec {
  name: string; // e.g. 'layer1.0.bn1.running_mean'
  shape: number[];
  /** Initial value of every element. */
  value: number;
}

/** An activation during planning: per-sample shape, its device buffer, and whether it holds ReLU'd values whose mask its consumers apply in their backward. */
export interface Tensor {
  shape: Shape;
  buffer: GPUBuffer;
  relu: boolean;
}

export interface PlanArgs {
  ctx: KernelContext;
  store: ParamStore;
  /** Samples per run; buffers hold runs.count × batch (run-major). */
  batch: number;
  /** The store's run dimension (one run unless training in lockstep); every kernel is given it. */
  runs: Runs;
  mode: Mode;
  /** The module's name: the prefix of its parameters and state. */
  name: string;
  inputs: Tensor[];
  output: Tensor;
  /** Per planned node, kept from forward to backward (saved statistics, argmax words). */
  saved: Record<string, GPUBuffer>;
}

/**
 * The gradient a module sends to one input: either a buffer it has written (overwriting), or a
 * way to write it into a buffer the planner chooses (overwrite or add), for inputs that feed
 * several consumers; the planner makes the sum either way.
 */
export type InputGrad = { buffer: GPUBuffer } | { emit(dst: GPUBuffer, accumulate: boolean): Dispatch[] };

export interface BackwardArgs extends PlanArgs {
  /** d loss / d output, final (every consumer's contribution summed). */
  dy: GPUBuffer;
  /** Which inputs need a gradient. */
  needInput: boolean[];
}

export interface Module {
  readonly kind: string;
  outShape(inputs: Shape[]): Shape;
  params(prefix: string): ParamSpec[];
  state(prefix: string): StateSpec[];
  /** The output is input 0 with another shape (Flatten): no buffer, no dispatch. */
  readonly view?: boolean;
  /** The output is ReLU'd and consumers apply the mask in their backward (ReLU fused into conv/linear). */
  readonly reluOut?: boolean;
  forward(a: PlanArgs): Dispatch[];
  /** Parameter gradients (overwritten) as dispatches now; the inputs' gradients as InputGrads. */
  backward(a: BackwardArgs): { dispatches: Dispatch[]; inputs: (InputGrad | undefined)[] };
}

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Flat dispatch list from the kernels' Dispatch | Dispatch[] results. */
export const flat = (...d: (Dispatch | Dispatch[])[]): Dispatch[] => d.flat();

/** A buffer for `a.batch` samples of `shape` per run. */
export const batchBuffer = (a: PlanArgs, shape: Shape, label: string): GPUBuffer => a.ctx.storage(a.runs.count * a.batch * numel(shape) * 4, label);

/** No-op helpers for modules without parameters or state. */
export const none = { params: (): ParamSpec[] => [], state: (): StateSpec[] => [] };

/** Modules whose backward cannot apply a producer's ReLU mask say so here (the fusion pass never asks them). */
export function noMaskedInput(kind: string, inputs: Tensor[]): void {
  if (inputs.some((t) => t.relu)) throw new Error(`${kind}: an input whose ReLU mask the consumer applies is not supported here`);
}
