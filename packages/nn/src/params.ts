/**
 * All parameters of a model packed in one device buffer (each tensor 256-byte aligned so it
 * can be bound on its own), with gradients and momentum in buffers of the same layout: the
 * optimizer updates everything in one dispatch. Non-trainable state (BatchNorm's running
 * statistics) lives in a fourth buffer the optimizer never sees. Addressed by PyTorch
 * state-dict names. A store for R runs in lockstep holds R such images one after another (run-major,
 * so each run's image is the one-run layout); a tensor's binding spans all R copies (kernels' Runs).
 */
import { ALIGN, STORAGE_USAGE, Usage, type Binding, type KernelContext, type Runs } from '@losslab/kernels';
import type { ParamSpec, StateSpec } from './module.ts';
import type { Graph } from './graph.ts';

export type { ParamSpec, StateSpec };

export type StateDict = Record<string, { shape: number[]; data: ArrayLike<number> }>;

const FLOATS_PER_ALIGN = ALIGN / 4;
export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Offsets (in floats, 256-byte aligned) of tensors packed one after another; the total. The layout
 * of every packed image (device buffers, checkpoints, exports).
 */
export function packedLayout(specs: { name: string; shape: number[] }[], what = 'tensor'): { offsets: Map<string, number>; total: number } {
  const offsets = new Map<string, number>();
  let off = 0;
  for (const s of specs) {
    if (offsets.has(s.name)) throw new Error(`duplicate ${what} name ${s.name}`);
    offsets.set(s.name, off);
    off += Math.ceil(Math.max(numel(s.shape), 1) / FLOATS_PER_ALIGN) * FLOATS_PER_ALIGN;
  }
  return { offsets, total: Math.max(off, FLOATS_PER_ALIGN) };
}

export class ParamStore {
  readonly offsets: Map<string, number>; // in floats
  readonly totalFloats: number;
  readonly params: GPUBuffer;
  readonly grads: GPUBuffer;
  readonly momentum: GPUBuffer;
  readonly specs: ParamSpec[];
  readonly stateSpecs: StateSpec[];
  readonly stateOffsets: Map<string, number>;
  readonly stateFloats: number;
  /** Running statistics and counters: no gradient, no momentum, no weight decay. */
  readonly state: GPUBuffer;

  /** The run dimension every kernel planned on this store is given. */
  readonly runs: Runs;

  /** `new ParamStore(ctx, model)` for a model's parameters and state, or explicit specs; `runCount` copies for lockstep runs. */
  constructor(readonly ctx: KernelContext, model: Graph | ParamSpec[], stateSpecs: StateSpec[] = [], runCount = 1) {
    if (!Number.isInteger(runCount) || runCount < 1) throw new Error(`a parameter store needs a whole number of runs ≥ 1, got ${runCount}`);
    this.specs = Array.isArray(model) ? model : model.params();
    this.stateSpecs = Array.isArray(model) ? stateSpecs : model.state();
    const p = packedLayout(this.specs, 'parameter');
    this.offsets = p.offsets;
    this.totalFloats = p.total;
    const st = packedLayout(this.stateSpecs, 'state');
    this.stateOffsets = st.offsets;
    this.stateFloats = st.total;
    this.runs = Object.freeze({ count: runCount, paramStride: this.totalFloats, stateStride: this.stateFloats });
    const r = runCount;
    // UNIFORM too: kernels may read small weight tensors through a uniform binding (the fused head).
    this.params = ctx.createBuffer({ label: 'params', size: r * this.totalFloats * 4, usage: STORAGE_USAGE | Usage.UNIFORM });
    this.grads = ctx.storage(r * this.totalFloats * 4, 'grads');
    this.momentum = ctx.storage(r * this.totalFloats * 4, 'momentum');
    this.state = ctx.storage(r * this.stateFloats * 4, 'state');
    for (let run = 0; run < r; run++) this.writeFlat('state', this.initialState(), run);
  }

  /** The state buffer's image with every tensor at its initial value (running_var 1, …). */
  initialState(): Float32Array<ArrayBuffer> {
    const flat = new Float32Array(this.stateFloats);
    for (const s of this.stateSpecs) flat.fill(s.value, this.stateOffsets.get(s.name)!, this.stateOffsets.get(s.name)! + Math.max(numel(s.shape), 1));
    return flat;
  }

  /** A binding of one state tensor (e.g. 'bn1.running_mean'), spanning every run's copy. */
  stateBinding(name: string): Binding {
    const off = this.stateOffsets.get(name);
    const s = this.stateSpecs.find((x) => x.name === name);
    if (off === undefined || !s) throw new Error(`unknown state "${name}": this store has ${this.stateSpecs.map((x) => x.name).join(', ') || 'no state'} (create it with new ParamStore(ctx, model))`);
    return { buffer: this.state, offset: off * 4, size: ((this.runs.count - 1) * this.stateFloats + Math.max(numel(s.shape), 1)) * 4 };
  }

  spec(name: string): ParamSpec {
    const s = this.specs.find((p) => p.name === name);
    if (!s) throw new Error(`unknown parameter "${name}"; this model has ${this.specs.map((p) => p.name).join(', ')}`);
    return s;
  }

  private binding(buffer: GPUBuffer, name: string): Binding {
    const s = this.spec(name);
    return { buffer, offset: this.offsets.get(name)! * 4, size: ((this.runs.count - 1) * this.totalFloats + numel(s.shape)) * 4 };
  }

  param(name: string): Binding {
    return this.binding(this.params, name);
  }

  grad(name: string): Binding {
    return this.binding(this.grads, name);
  }

  /** The packed host image of a state dict's parameters (padding zero). */
  pack(state: StateDict): Float32Array<ArrayBuffer> {
    const flat = new Float32Array(this.totalFloats);
    for (const s of this.specs) {
      const t = state[s.name];
      if (!t) throw new Error(`state dict lacks "${s.name}"`);
      if (t.shape.join('x') !== s.shape.join('x')) throw new Error(`"${s.name}": shape [${t.shape}] but the model has [${s.shape}]`);
      flat.set(Float32Array.from(t.data), this.offsets.get(s.name)!);
    }
    return flat;
  }

  unpack(flat: Float32Array): StateDict {
    const out: StateDict = {};
    for (const s of this.specs) {
      const off = this.offsets.get(s.name)!;
      out[s.name] = { shape: s.shape, data: flat.slice(off, off + numel(s.shape)) };
    }
    return out;
  }

  /** The packed state image of a state dict's running statistics; those it lacks start at their initial values. */
  packState(state: StateDict): Float32Array<ArrayBuffer> {
    const flat = this.initialState();
    for (const s of this.stateSpecs) {
      const t = state[s.name];
      if (!t) continue;
      if (numel(t.shape) !== numel(s.shape)) throw new Error(`"${s.name}": shape [${t.shape}] but the model has [${s.shape}]`);
      flat.set(Float32Array.from(t.data), this.stateOffsets.get(s.name)!);
    }
    return flat;
  }

  unpackState(flat: Float32Array): StateDict {
    const out: StateDict = {};
    for (const s of this.stateSpecs) {
      const off = this.stateOffsets.get(s.name)!;
      out[s.name] = { shape: s.shape, data: flat.slice(off, off + Math.max(numel(s.shape), 1)) };
    }
    return out;
  }

  /** Loads run `run`'s parameters (all required) and running state (initial values where the dict has none, e.g. a fresh initialisation). */
  load(state: StateDict, run = 0): void {
    this.writeFlat('params', this.pack(state), run);
    this.writeFlat('state', this.packState(state), run);
  }

  /** Run `run`'s parameters and state, with PyTorch's names. */
  async stateDict(run = 0): Promise<StateDict> {
    return { ...this.unpack(await this.readFlat('params', run)), ...this.unpackState(await this.readFlat('state', run)) };
  }

  async gradDict(run = 0): Promise<StateDict> {
    return this.unpack(await this.ctx.readF32(this.grads, this.totalFloats, this.checkRun(run) * this.totalFloats));
  }

  /** Zeroes the momentum buffers of every run (PyTorch's first step then sets b = g exactly). */
  resetMomentum(): void {
    this.ctx.device.queue.writeBuffer(this.momentum, 0, new Float32Array(this.runs.count * this.totalFloats));
  }

  private checkRun(run: number): number {
    if (!Number.isInteger(run) || run < 0 || run >= this.runs.count) throw new Error(`run ${run} is not in this store (${this.runs.count} run${this.runs.count > 1 ? 's' : ''})`);
    return run;
  }

  private flatBuffer(which: 'params' | 'momentum' | 'state'): [GPUBuffer, number] {
    return which === 'state' ? [this.state, this.stateFloats] : [which === 'params' ? this.params : this.momentum, this.totalFloats];
  }

  /** Run `run`'s packed image of one buffer. */
  async readFlat(which: 'params' | 'momentum' | 'state', run = 0): Promise<Float32Array> {
    const [buffer, floats] = this.flatBuffer(which);
    return this.ctx.readF32(buffer, floats, this.checkRun(run) * floats);
  }

  writeFlat(which: 'params' | 'momentum' | 'state', data: Float32Array<ArrayBuffer>, run = 0): void {
    const [buffer, floats] = this.flatBuffer(which);
    if (data.length !== floats) throw new Error(`expected ${floats} ${which} floats, got ${data.length}`);
    this.ctx.device.queue.writeBuffer(buffer, this.checkRun(run) * floats * 4, data);
  }
}
