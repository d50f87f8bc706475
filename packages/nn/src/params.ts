/**
 * All parameters of a model packed in one device buffer (each tensor 256-byte aligned so it
 * can be bound on its own), with gradients and momentum in buffers of the same layout: the
 * optimizer updates everything in one dispatch. Addressed by PyTorch state-dict names.
 */
import { ALIGN, STORAGE_USAGE, Usage, type Binding, type KernelContext } from '@losslab/kernels';

export interface ParamSpec {
  name: string; // PyTorch state-dict name, e.g. 'conv1.weight'
  shape: number[];
  /** PyTorch's fan_in for the default initialisation bound 1/sqrt(fan_in). */
  fanIn: number;
}

export type StateDict = Record<string, { shape: number[]; data: ArrayLike<number> }>;

const FLOATS_PER_ALIGN = ALIGN / 4;
export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export class ParamStore {
  readonly offsets = new Map<string, number>(); // in floats
  readonly totalFloats: number;
  readonly params: GPUBuffer;
  readonly grads: GPUBuffer;
  readonly momentum: GPUBuffer;

  constructor(readonly ctx: KernelContext, readonly specs: ParamSpec[]) {
    let off = 0;
    for (const s of specs) {
      if (this.offsets.has(s.name)) throw new Error(`duplicate parameter name ${s.name}`);
      this.offsets.set(s.name, off);
      off += Math.ceil(numel(s.shape) / FLOATS_PER_ALIGN) * FLOATS_PER_ALIGN;
    }
    this.totalFloats = Math.max(off, FLOATS_PER_ALIGN);
    // UNIFORM too: kernels may read small weight tensors through a uniform binding (the fused head).
    this.params = ctx.createBuffer({ label: 'params', size: this.totalFloats * 4, usage: STORAGE_USAGE | Usage.UNIFORM });
    this.grads = ctx.storage(this.totalFloats * 4, 'grads');
    this.momentum = ctx.storage(this.totalFloats * 4, 'momentum');
  }

  spec(name: string): ParamSpec {
    const s = this.specs.find((p) => p.name === name);
    if (!s) throw new Error(`unknown parameter "${name}"; this model has ${this.specs.map((p) => p.name).join(', ')}`);
    return s;
  }

  private binding(buffer: GPUBuffer, name: string): Binding {
    const s = this.spec(name);
    return { buffer, offset: this.offsets.get(name)! * 4, size: numel(s.shape) * 4 };
  }

  param(name: string): Binding {
    return this.binding(this.params, name);
  }

  grad(name: string): Binding {
    return this.binding(this.grads, name);
  }

  /** The packed host image of a state dict (padding zero). */
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

  load(state: StateDict): void {
    this.ctx.device.queue.writeBuffer(this.params, 0, this.pack(state));
  }

  async stateDict(): Promise<StateDict> {
    return this.unpack(await this.ctx.readF32(this.params, this.totalFloats));
  }

  async gradDict(): Promise<StateDict> {
    return this.unpack(await this.ctx.readF32(this.grads, this.totalFloats));
  }

  /** Zeroes the momentum buffers (PyTorch's first step then sets b = g exactly). */
  resetMomentum(): void {
    this.ctx.device.queue.writeBuffer(this.momentum, 0, new Float32Array(this.totalFloats));
  }

  async readFlat(which: 'params' | 'momentum'): Promise<Float32Array> {
    return this.ctx.readF32(which === 'params' ? this.params : this.momentum, this.totalFloats);
  }

  writeFlat(which: "params" | "momentum", data: Float32Array<ArrayBuffer>): void {
    if (data.length !== this.totalFloats) throw new Error(`expected ${this.totalFloats} floats, got ${data.length}`);
    this.ctx.device.queue.writeBuffer(which === 'params' ? this.params : this.momentum, 0, data);
  }
}
