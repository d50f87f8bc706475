/**
 * The dispatch core: pipelines are built once per device and cached; an op is planned once
 * (uniforms and bind groups created up front) and yields Dispatch records that callers encode
 * into their own compute pass. Nothing here knows about training.
 */

/** A buffer range bound to one storage/uniform binding. Offsets must be 256-byte aligned. */
export interface Binding {
  buffer: GPUBuffer;
  offset?: number;
  size?: number;
}
export type BufferLike = GPUBuffer | Binding;

/** One recorded dispatch: everything needed to encode it, nothing to build. */
export interface Dispatch {
  label: string;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  workgroups: [number, number, number];
  /** Arithmetic and memory traffic of one execution, where the op states them (the bench's roofline). */
  work?: Work;
}

/** FLOPs (a multiply-add is 2) and bytes read + written once by one execution of a dispatch. */
export interface Work {
  flops: number;
  bytes: number;
}

/** The work of an elementwise pass over `n` floats: `flops` per element, `floats` read or written per element. */
export const elementwiseWork = (n: number, flops: number, floats: number): Work => ({ flops: flops * n, bytes: 4 * floats * n });

// WebGPU's GPUBufferUsage bits, as constants: in Node the global exists only after Dawn is installed.
export const Usage = { MAP_READ: 0x01, COPY_SRC: 0x04, COPY_DST: 0x08, UNIFORM: 0x40, STORAGE: 0x80 } as const;
export const STORAGE_USAGE = Usage.STORAGE | Usage.COPY_SRC | Usage.COPY_DST;
const { UNIFORM, MAP_READ } = Usage;

/**
 * The run dimension of lockstep training: `count` runs of one model side by side, one dispatch
 * serving all of them. Activations hold count × batch samples, run-major (run r's samples follow
 * run r−1's). Run r's copy of a parameter (and of its gradient and momentum) sits `paramStride`
 * floats after run r−1's, its running state `stateStride` floats after; a binding into the
 * parameter or state store spans every run's copy (run 0's offset, (count−1)·stride + numel floats).
 * A kernel never reduces across runs and chooses its variant and tiles from the per-run shape, so
 * each run's numbers are bit-identical to training it alone.
 */
export interface Runs {
  readonly count: number;
  readonly paramStride: number;
  readonly stateStride: number;
}
/** One run: what every op assumes when its `runs` is left out. */
export const ONE_RUN: Runs = Object.freeze({ count: 1, paramStride: 0, stateStride: 0 });

/**
 * One binding over several tensors of one buffer, and each tensor's offset in it (floats). A kernel
 * that writes two tensors of a parameter or state store binds them this way: in lockstep their
 * bindings span every run's copy and so overlap, and WebGPU rejects a writable binding that
 * overlaps another binding of the same buffer in one dispatch.
 */
export function sharedBinding<K extends string>(op: string, parts: Record<K, BufferLike>): { binding: Binding; at: Record<K, number> } {
  const ranges = (Object.entries(parts) as [K, BufferLike][]).map(([name, b]) => {
    const r = isBinding(b) ? b : { buffer: b };
    const offset = r.offset ?? 0;
    return { name, buffer: r.buffer, offset, end: offset + (r.size ?? r.buffer.size - offset) };
  });
  const buffer = ranges[0].buffer;
  if (ranges.some((r) => r.buffer !== buffer)) throw new Error(`${op}: ${ranges.map((r) => r.name).join(', ')} must lie in one buffer (a parameter or state store), got ${new Set(ranges.map((r) => r.buffer)).size} buffers`);
  const lo = Math.min(...ranges.map((r) => r.offset));
  const hi = Math.max(...ranges.map((r) => r.end));
  const at = Object.fromEntries(ranges.map((r) => [r.name, (r.offset - lo) / 4])) as Record<K, number>;
  return { binding: { buffer, offset: lo, size: hi - lo }, at };
}

export const ALIGN = 256;
export const alignUp = (n: number, a = ALIGN): number => Math.ceil(n / a) * a;
export const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

function isBinding(b: BufferLike): b is Binding {
  return (b as Binding).buffer !== undefined;
}

type TypedArray = Float32Array | Uint32Array | Int32Array | Uint8Array;

/** What every context of one device shares: compiled pipelines and the bench's counters. */
interface SharedState {
  pipelines: Map<string, GPUComputePipeline>;
  modules: Map<string, GPUShaderModule>;
  counters: { pipelineMs: number };
  stats: { dispatches: number; submits: number; readbacks: number };
}

/**
 * Per-device state: pipeline cache, helpers to allocate, upload, read and run.
 * `scope()` gives a context that shares the pipelines but owns the buffers it allocates, so one
 * training run can free everything it made with `destroy()` while the device lives on.
 */
export class KernelContext {
  private readonly shared: SharedState;
  private readonly owned: GPUBuffer[] | null;

  constructor(readonly device: GPUDevice, shared?: SharedState, owning = false) {
    this.shared = shared ?? { pipelines: new Map(), modules: new Map(), counters: { pipelineMs: 0 }, stats: { dispatches: 0, submits: 0, readbacks: 0 } };
    this.owned = owning ? [] : null;
  }

  /** Total milliseconds spent creating pipelines (reported by the bench). */
  get pipelineMs(): number {
    return this.shared.counters.pipelineMs;
  }

  /** Counters for the bench: dispatches encoded and submits made through this device's contexts. */
  get stats(): SharedState['stats'] {
    return this.shared.stats;
  }

  /** A context on the same device and pipeline cache whose buffers `destroy()` releases. */
  scope(): KernelContext {
    return new KernelContext(this.device, this.shared, true);
  }

  /** Buffers allocated through this scope and not yet destroyed (0 for the device's root context). */
  get ownedBuffers(): number {
    return this.owned?.length ?? 0;
  }

  /** Destroys every buffer this scope allocated; the scope stays usable for new ones. */
  destroy(): void {
    if (!this.owned) throw new Error('destroy() is for scopes: the device context owns shared buffers');
    for (const b of this.owned.splice(0)) b.destroy();
  }

  /** Every allocation goes through here, so a scope can track what it owns. */
  createBuffer(desc: GPUBufferDescriptor): GPUBuffer {
    const buf = this.device.createBuffer(desc);
    this.owned?.push(buf);
    return buf;
  }

  /** A compute pipeline for `code` (entry `main`), cached by key and override constants. */
  pipeline(key: string, code: string, constants: Record<string, number> = {}, entryPoint = 'main'): GPUComputePipeline {
    const ck = `${key}:${entryPoint}:${JSON.stringify(constants)}`;
    const { pipelines, modules, counters } = this.shared;
    let p = pipelines.get(ck);
    if (p) return p;
    let module = modules.get(key);
    if (!module) {
      module = this.device.createShaderModule({ label: key, code });
      modules.set(key, module);
    }
    const t0 = performance.now();
    p = this.device.createComputePipeline({ label: ck, layout: 'auto', compute: { module, entryPoint, constants } });
    counters.pipelineMs += performance.now() - t0;
    pipelines.set(ck, p);
    return p;
  }

  get pipelineCount(): number {
    return this.shared.pipelines.size;
  }

  /**
   * A uniform buffer holding `data` (padded to 16 bytes). Kernels do not call this with bytes of
   * their own: their uniforms are packed from their declaration (kernel.ts).
   */
  uniformRaw(data: ArrayBuffer, label = 'params'): GPUBuffer {
    const size = alignUp(Math.max(data.byteLength, 16), 16);
    const buf = this.createBuffer({ label, size, usage: UNIFORM | Usage.COPY_DST, mappedAtCreation: true });
    new Uint8Array(buf.getMappedRange()).set(new Uint8Array(data));
    buf.unmap();
    return buf;
  }

  bindGroup(pipeline: GPUComputePipeline, entries: BufferLike[], label?: string): GPUBindGroup {
    return this.device.createBindGroup({
      label,
      layout: pipeline.getBindGroupLayout(0),
      entries: entries.map((b, binding) => ({
        binding,
        resource: isBinding(b) ? { buffer: b.buffer, offset: b.offset ?? 0, size: b.size } : { buffer: b },
      })),
    });
  }

  /** Builds one Dispatch: pipeline + bind group over `entries`, `workgroups` in x/y/z. */
  dispatch(label: string, pipeline: GPUComputePipeline, entries: BufferLike[], workgroups: [number, number?, number?], work?: Work): Dispatch {
    const [x, y = 1, z = 1] = workgroups;
    const limit = this.device.limits.maxComputeWorkgroupsPerDimension;
    if (x > limit || y > limit || z > limit) throw new Error(`${label}: ${x}×${y}×${z} workgroups exceed ${limit} per dimension`);
    return { label, pipeline, bindGroup: this.bindGroup(pipeline, entries, label), workgroups: [x, y, z], ...(work ? { work } : {}) };
  }

  /** A zero-filled storage buffer of `bytes` (rounded up to 4). */
  storage(bytes: number, label = 'storage'): GPUBuffer {
    return this.createBuffer({ label, size: alignUp(Math.max(bytes, 4), 4), usage: STORAGE_USAGE });
  }

  /** A storage buffer initialised with `data`. */
  upload(data: TypedArray, label = 'upload'): GPUBuffer {
    const buf = this.createBuffer({ label, size: alignUp(Math.max(data.byteLength, 4), 4), usage: STORAGE_USAGE, mappedAtCreation: true });
    new Uint8Array(buf.getMappedRange(), 0, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    buf.unmap();
    return buf;
  }

  /** Encodes dispatches into one compute pass and submits once. */
  run(dispatches: Dispatch[], label = 'run'): void {
    const encoder = this.device.createCommandEncoder({ label });
    const pass = encoder.beginComputePass({ label });
    encodeDispatches(pass, dispatches);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    this.stats.dispatches += dispatches.length;
    this.stats.submits += 1;
  }

  /** Copies `bytes` from `buffer` (at `offset`) to the host. Off the hot path only. */
  async read(buffer: GPUBuffer, bytes = buffer.size, offset = 0): Promise<ArrayBuffer> {
    const size = alignUp(bytes, 4);
    const staging = this.device.createBuffer({ label: 'readback', size, usage: MAP_READ | Usage.COPY_DST });
    const encoder = this.device.createCommandEncoder({ label: 'readback' });
    encoder.copyBufferToBuffer(buffer, offset, staging, 0, size);
    this.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(MAP_READ);
    const out = staging.getMappedRange().slice(0, bytes);
    staging.unmap();
    staging.destroy();
    this.stats.readbacks += 1;
    return out;
  }

  async readF32(buffer: GPUBuffer, count: number, offsetElems = 0): Promise<Float32Array> {
    return new Float32Array(await this.read(buffer, count * 4, offsetElems * 4));
  }

  async readU32(buffer: GPUBuffer, count: number, offsetElems = 0): Promise<Uint32Array> {
    return new Uint32Array(await this.read(buffer, count * 4, offsetElems * 4));
  }
}

/** Encodes dispatch records into an open compute pass (shared by tests, nn and the bench). */
export function encodeDispatches(pass: GPUComputePassEncoder, dispatches: readonly Dispatch[]): void {
  let last: GPUComputePipeline | undefined;
  for (const d of dispatches) {
    if (d.pipeline !== last) pass.setPipeline(d.pipeline);
    last = d.pipeline;
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(d.workgroups[0], d.workgroups[1], d.workgroups[2]);
  }
}

/** Per-device singleton context. */
const contexts = new WeakMap<GPUDevice, KernelContext>();
export function kernelContext(device: GPUDevice): KernelContext {
  let c = contexts.get(device);
  if (!c) {
    c = new KernelContext(device);
    contexts.set(device, c);
  }
  return c;
}
