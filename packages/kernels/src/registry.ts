/**
 * Op registry keyed by name (as in tfjs-backend-webgpu): each op registers a runner that
 * plans the op for one set of host inputs, runs it and reads the outputs back. Test tables,
 * the browser kernel-check page and parity checks all go through it; training code uses the
 * op modules' plan functions directly.
 */
import type { KernelContext } from './core.ts';

export interface HostTensor {
  shape: number[];
  data: ArrayLike<number>;
}
export type Tensors = Record<string, HostTensor>;
export type OpParams = Record<string, unknown>;

export interface OpRunner {
  op: string;
  /** Names of the outputs whose comparison uses the gradient tolerance. */
  run(ctx: KernelContext, params: OpParams, inputs: Tensors): Promise<Tensors>;
}

const registry = new Map<string, OpRunner>();

export function registerOp(runner: OpRunner): void {
  registry.set(runner.op, runner);
}

export function getOp(op: string): OpRunner {
  const r = registry.get(op);
  if (!r) throw new Error(`unknown op "${op}"; registered: ${[...registry.keys()].sort().join(', ')}`);
  return r;
}

export function registeredOps(): string[] {
  return [...registry.keys()].sort();
}

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Uploads a host tensor as float32 (or int32/uint32 when asked). */
export function uploadTensor(ctx: KernelContext, t: HostTensor, kind: 'f32' | 'u32' | 'i32' = 'f32'): GPUBuffer {
  const arr = kind === 'f32' ? Float32Array.from(t.data) : kind === 'u32' ? Uint32Array.from(t.data) : Int32Array.from(t.data);
  return ctx.upload(arr, kind);
}

/** Reads `count` float32 values into a host tensor of `shape`. */
export async function readTensor(ctx: KernelContext, buffer: GPUBuffer, shape: number[]): Promise<HostTensor> {
  return { shape, data: await ctx.readF32(buffer, numel(shape)) };
}

/** Reads every named (buffer, shape) pair back, in order. */
export async function readTensors(ctx: KernelContext, outputs: Record<string, [GPUBuffer, number[]]>): Promise<Tensors> {
  const out: Tensors = {};
  for (const [name, [buf, shape]] of Object.entries(outputs)) out[name] = await readTensor(ctx, buf, shape);
  return out;
}
