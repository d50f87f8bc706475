/** Shared checks of the lockstep (runs) tests: bitwise equality with the first differing index, and run-major slices. */
import { expect } from 'vitest';
import type { Binding, KernelContext } from '../src/core.ts';
import { firstBitDifference } from './tables.ts';

export { firstBitDifference };

/** Asserts `lockstep` and `alone` are bit-identical, naming the first differing element. */
export function expectBitIdentical(lockstep: Float32Array, alone: Float32Array, what: string): void {
  const i = firstBitDifference(lockstep, alone);
  expect(i, i < 0 ? what : `${what}: first difference at element ${i} of ${alone.length}: lockstep ${lockstep[i]} vs alone ${alone[i]}`).toBe(-1);
}

/** Asserts that every pair of runs' outputs differs somewhere (a kernel serving every run from run 0's data fails). */
export function expectRunsDiffer(perRun: Float32Array[], what: string): void {
  for (let r = 1; r < perRun.length; r++) {
    for (let q = 0; q < r; q++) expect(firstBitDifference(perRun[q], perRun[r]), `${what}: runs ${q} and ${r} are identical`).toBeGreaterThanOrEqual(0);
  }
}

/** The r-th of equal run-major blocks of `size` elements. */
export function runSlice(all: Float32Array, r: number, size: number): Float32Array<ArrayBuffer> {
  return all.slice(r * size, (r + 1) * size);
}

/**
 * A parameter store in miniature: `runs` copies of a flat image of `stride` floats (a multiple of 64,
 * so every run's tensor stays 256-byte aligned), a tensor at float `offset` of each. `binding(offset, n)`
 * spans all runs from run 0's copy, as ParamStore's bindings do.
 */
export class RunStore {
  readonly buffer: GPUBuffer;
  constructor(readonly ctx: KernelContext, readonly runs: number, readonly stride: number, init?: Float32Array) {
    if (stride % 64 !== 0) throw new Error(`RunStore stride ${stride} is not a multiple of 64`);
    this.buffer = init ? ctx.upload(init) : ctx.storage(runs * stride * 4);
  }
  binding(offset: number, n: number): Binding {
    return { buffer: this.buffer, offset: offset * 4, size: ((this.runs - 1) * this.stride + n) * 4 };
  }
  async read(r: number, offset: number, n: number): Promise<Float32Array> {
    return this.ctx.readF32(this.buffer, n, r * this.stride + offset);
  }
}
