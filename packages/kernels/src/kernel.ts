/**
 * Kernels declared once. A kernel names its bindings (access and WGSL type) and its uniform fields
 * (name and type) in one TypeScript declaration; from it come
 *
 * - the WGSL header prepended to the kernel's .wgsl body (`struct Params`, every
 *   `@group(0) @binding(i)` line; the body keeps only code),
 * - the uniform buffer's packing (WGSL's uniform layout: 4-byte scalars, vec2 aligned to 8,
 *   vec4 to 16, the struct rounded to 16 bytes),
 * - the TypeScript types of a dispatch's bindings and uniform values, both passed by name.
 *
 * So a missing, extra or mistyped field fails to compile, and fails at run time with the kernel's
 * and the field's name (values that come from `any`, spreads, numbers out of range). Adding a
 * field is one edit to the declaration (plus its use in the body and its value at the call).
 *
 * The uniform struct is bound last, as `p`; host-written uniforms (a learning rate, an epoch)
 * are bindings of their own, declared with `uniform(struct)` and packed with `struct.pack`.
 */
import type { BufferLike, Dispatch, KernelContext, Work } from './core.ts';

// ---------------------------------------------------------------------------------------------
// Uniform structs

/** A uniform field's type. `flag` is a u32 in WGSL (0 or 1) written from a boolean. */
export type FieldType = 'u32' | 'i32' | 'f32' | 'flag' | 'vec2u' | 'vec2i' | 'vec2f' | 'vec4u' | 'vec4i' | 'vec4f';
export type Fields = Record<string, FieldType>;

type Vec2 = readonly [number, number];
type Vec4 = readonly [number, number, number, number];
export type FieldValue<T extends FieldType> = T extends 'flag' ? boolean : T extends `vec2${string}` ? Vec2 : T extends `vec4${string}` ? Vec4 : number;
/** The values of a struct's fields, by name. */
export type Values<F extends Fields> = { readonly [K in keyof F]: FieldValue<F[K]> };

const FIELD_LAYOUT: Record<FieldType, { wgsl: string; size: number; align: number; scalar: 'u32' | 'i32' | 'f32' }> = {
  u32: { wgsl: 'u32', size: 4, align: 4, scalar: 'u32' },
  i32: { wgsl: 'i32', size: 4, align: 4, scalar: 'i32' },
  f32: { wgsl: 'f32', size: 4, align: 4, scalar: 'f32' },
  flag: { wgsl: 'u32', size: 4, align: 4, scalar: 'u32' },
  vec2u: { wgsl: 'vec2u', size: 8, align: 8, scalar: 'u32' },
  vec2i: { wgsl: 'vec2i', size: 8, align: 8, scalar: 'i32' },
  vec2f: { wgsl: 'vec2f', size: 8, align: 8, scalar: 'f32' },
  vec4u: { wgsl: 'vec4u', size: 16, align: 16, scalar: 'u32' },
  vec4i: { wgsl: 'vec4i', size: 16, align: 16, scalar: 'i32' },
  vec4f: { wgsl: 'vec4f', size: 16, align: 16, scalar: 'f32' },
};

export interface FieldSlot { name: string; type: FieldType; offset: number }

const alignTo = (n: number, a: number): number => Math.ceil(n / a) * a;

/** A uniform struct: its WGSL declaration, its byte layout and its packing from named values. */
export class UniformStruct<F extends Fields> {
  readonly slots: readonly FieldSlot[];
  /** Bytes, rounded up to 16 (at least 16). */
  readonly size: number;

  constructor(readonly name: string, readonly fields: F) {
    let offset = 0;
    const slots: FieldSlot[] = [];
    for (const [field, type] of Object.entries(fields)) {
      const l = FIELD_LAYOUT[type];
      if (!l) throw new Error(`struct ${name}: field '${field}' has unknown type '${String(type)}'`);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(field)) throw new Error(`struct ${name}: '${field}' is not a WGSL identifier`);
      offset = alignTo(offset, l.align);
      slots.push({ name: field, type, offset });
      offset += l.size;
    }
    this.slots = slots;
    this.size = Math.max(16, alignTo(offset, 16));
  }

  /** `struct Name { a: u32, b: vec4f, }` */
  wgsl(): string {
    if (this.slots.length === 0) return `struct ${this.name} { _unused: u32 }`;
    return `struct ${this.name} { ${this.slots.map((s) => `${s.name}: ${FIELD_LAYOUT[s.type].wgsl}`).join(', ')} }`;
  }

  /** The struct's bytes from values by name; a missing, extra or ill-typed value throws naming it. */
  pack(values: Values<F>, owner = `struct ${this.name}`): ArrayBuffer {
    const data = new ArrayBuffer(this.size);
    const view = new DataView(data);
    const given = values as Record<string, unknown>;
    const extra = Object.keys(given ?? {}).filter((k) => !(k in this.fields));
    if (extra.length) throw new Error(`${owner}: unknown uniform${extra.length > 1 ? 's' : ''} ${extra.map((k) => `'${k}'`).join(', ')} (declared: ${Object.keys(this.fields).join(', ')})`);
    for (const s of this.slots) {
      const v = given?.[s.name];
      if (v === undefined) throw new Error(`${owner}: uniform '${s.name}' (${s.type}) is missing`);
      const l = FIELD_LAYOUT[s.type];
      let parts: unknown[];
      if (s.type === 'flag') {
        if (typeof v !== 'boolean') throw new Error(`${owner}: uniform '${s.name}' is a flag; got ${JSON.stringify(v)}`);
        parts = [v ? 1 : 0];
      } else if (l.size === 4) {
        parts = [v];
      } else {
        if (!Array.isArray(v) || v.length !== l.size / 4) throw new Error(`${owner}: uniform '${s.name}' is a ${s.type}; got ${JSON.stringify(v)}`);
        parts = v;
      }
      parts.forEach((x, i) => writeScalar(view, s.offset + 4 * i, l.scalar, x, `${owner}: uniform '${s.name}'`));
    }
    return data;
  }

  /** A uniform buffer (UNIFORM | COPY_DST) holding `values`, for a host-written binding; rewrite it with `write`. */
  createBuffer(ctx: KernelContext, values: Values<F>, label = this.name): GPUBuffer {
    return ctx.uniformRaw(this.pack(values, label), label);
  }

  write(ctx: KernelContext, buffer: GPUBuffer, values: Values<F>): void {
    ctx.device.queue.writeBuffer(buffer, 0, this.pack(values, buffer.label || this.name));
  }
}

function writeScalar(view: DataView, at: number, scalar: 'u32' | 'i32' | 'f32', v: unknown, what: string): void {
  if (typeof v !== 'number') throw new Error(`${what} must be a number (${scalar}); got ${JSON.stringify(v)}`);
  if (scalar === 'f32') return view.setFloat32(at, v, true);
  const [lo, hi] = scalar === 'u32' ? [0, 2 ** 32 - 1] : [-(2 ** 31), 2 ** 31 - 1];
  if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`${what} must be a ${scalar}; got ${v}`);
  if (scalar === 'u32') view.setUint32(at, v, true);
  else view.setInt32(at, v, true);
}

export function struct<F extends Fields>(name: string, fields: F): UniformStruct<F> {
  return new UniformStruct(name, fields);
}

// ---------------------------------------------------------------------------------------------
// Bindings

/** One binding: its WGSL address space/access and type. */
export interface BindingDecl {
  readonly space: 'storage, read' | 'storage, read_write' | 'uniform';
  /** The variable's WGSL type, e.g. `array<f32>`, `array<vec4f, 1024>`, `Hyper`. */
  readonly type: string;
  /** For a uniform struct binding: the struct (its WGSL declaration joins the header). */
  readonly struct?: UniformStruct<Fields>;
}

/** A read-only storage array of `element` (f32, u32, vec4f, …). */
export const read = (element = 'f32'): BindingDecl => ({ space: 'storage, read', type: `array<${element}>` });
/** A read-write storage array of `element` (f32, atomic<u32>, …). */
export const readWrite = (element = 'f32'): BindingDecl => ({ space: 'storage, read_write', type: `array<${element}>` });
/** A uniform array of `length` `element`s (a number, or a constant the kernel defines). */
export const uniformArray = (element: string, length: number | string): BindingDecl => ({ space: 'uniform', type: `array<${element}, ${length}>` });
/** A uniform struct written by the host (packed with `s.pack`), e.g. hyper-parameters. */
export const uniform = (s: UniformStruct<Fields>): BindingDecl => ({ space: 'uniform', type: s.name, struct: s });

// ---------------------------------------------------------------------------------------------
// Kernels

export interface KernelDecl<B extends Record<string, BindingDecl>, U extends Fields> {
  /** The pipeline's cache key and the dispatches' default label. */
  name: string;
  /** Bindings in binding order (0, 1, …); the uniform struct `p` comes after them. */
  bindings: B;
  /** The fields of `struct Params`, bound as `p` (none: no uniform binding). */
  uniforms?: U;
  /** The WGSL body (or parts: shared helpers, the body), appended to the generated header. */
  code: string | readonly string[];
}

/** The uniform binding's variable name and struct name in every kernel. */
export const UNIFORM_VAR = 'p';
export const UNIFORM_STRUCT = 'Params';

/** A kernel's uniform buffer that the host rewrites between submits (a loop count, a step's offset). */
export class UniformBuffer<U extends Fields> {
  constructor(readonly buffer: GPUBuffer, private readonly ctx: KernelContext, private readonly owner: Kernel<Record<string, BindingDecl>, U>) {}

  /** Writes new values (queue.writeBuffer: ordered before the next submit). */
  write(values: Values<U>): void {
    this.ctx.device.queue.writeBuffer(this.buffer, 0, this.owner.pack(values));
  }
}

/** What a dispatch passes: its buffers and uniform values by name, and the grid. */
export type DispatchArgs<B extends Record<string, BindingDecl>, U extends Fields> = {
  bindings: { readonly [K in keyof B]: BufferLike };
  workgroups: [number, number?, number?];
  work?: Work;
  /** Pipeline-overridable constants (`override X: u32;`). */
  constants?: Record<string, number>;
  /** Module-scope constants prepended as `const X = <v>u;` (array sizes the body needs at compile time). */
  defines?: Record<string, number>;
  entry?: string;
  label?: string;
} & (keyof U extends never ? { uniforms?: Record<string, never> } : { uniforms: Values<U> | UniformBuffer<U> });

export class Kernel<B extends Record<string, BindingDecl>, U extends Fields> {
  readonly params: UniformStruct<U> | null;
  readonly header: string;
  private readonly body: string;

  constructor(readonly decl: KernelDecl<B, U>) {
    const names = Object.keys(decl.bindings);
    if (decl.uniforms && names.includes(UNIFORM_VAR)) throw new Error(`kernel ${decl.name}: binding name '${UNIFORM_VAR}' is the uniform struct's`);
    this.params = decl.uniforms ? new UniformStruct(UNIFORM_STRUCT, decl.uniforms) : null;
    this.body = typeof decl.code === 'string' ? decl.code : decl.code.join('\n');
    this.header = kernelHeader(decl.bindings, this.params);
  }

  get name(): string {
    return this.decl.name;
  }

  /** The full WGSL: defines, the generated header, the body. */
  source(defines: Record<string, number> = {}): string {
    const consts = Object.entries(defines).map(([k, v]) => `const ${k} = ${v}u;\n`).join('');
    return `${consts}${this.header}\n${this.body}`;
  }

  pipeline(ctx: KernelContext, o: { constants?: Record<string, number>; defines?: Record<string, number>; entry?: string } = {}): GPUComputePipeline {
    const key = o.defines && Object.keys(o.defines).length ? `${this.name}:${JSON.stringify(o.defines)}` : this.name;
    return ctx.pipeline(key, this.source(o.defines), o.constants ?? {}, o.entry ?? 'main');
  }

  /** The uniform buffer's bytes for these values (throws naming a missing, extra or ill-typed field). */
  pack(values: Values<U>): ArrayBuffer {
    if (!this.params) throw new Error(`kernel ${this.name} declares no uniforms`);
    return this.params.pack(values, `kernel ${this.name}`);
  }

  /** A uniform buffer holding `values` that can be rewritten later (pass it as a dispatch's `uniforms`). */
  uniformBuffer(ctx: KernelContext, values: Values<U>): UniformBuffer<U> {
    return new UniformBuffer(ctx.uniformRaw(this.pack(values), `${this.name} params`), ctx, this as unknown as Kernel<Record<string, BindingDecl>, U>);
  }

  /** One Dispatch: the pipeline, a plan-time uniform buffer, the bind group from the named buffers. */
  dispatch(ctx: KernelContext, a: DispatchArgs<B, U>): Dispatch {
    const given = a.bindings as Record<string, BufferLike>;
    const names = Object.keys(this.decl.bindings);
    const missing = names.filter((n) => given[n] === undefined);
    const extra = Object.keys(given).filter((n) => !(n in this.decl.bindings));
    if (missing.length || extra.length) {
      throw new Error(`kernel ${this.name}: ${missing.length ? `missing binding${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `unknown binding${extra.length > 1 ? 's' : ''} ${extra.join(', ')}` : ''} (declared: ${names.join(', ')})`);
    }
    const entries = names.map((n) => given[n]);
    if (this.params) entries.push(a.uniforms instanceof UniformBuffer ? a.uniforms.buffer : ctx.uniformRaw(this.pack(a.uniforms as Values<U>), `${a.label ?? this.name} params`));
    else if (a.uniforms && Object.keys(a.uniforms).length) throw new Error(`kernel ${this.name} declares no uniforms; got ${Object.keys(a.uniforms).join(', ')}`);
    const pipeline = this.pipeline(ctx, a);
    return ctx.dispatch(a.label ?? this.name, pipeline, entries, a.workgroups, a.work);
  }
}

function kernelHeader(bindings: Record<string, BindingDecl>, params: UniformStruct<Fields> | null): string {
  const lines: string[] = [];
  const structs = new Set<UniformStruct<Fields>>();
  for (const b of Object.values(bindings)) if (b.struct) structs.add(b.struct);
  if (params) structs.add(params);
  for (const s of structs) lines.push(s.wgsl());
  const all: [string, BindingDecl][] = Object.entries(bindings);
  if (params) all.push([UNIFORM_VAR, { space: 'uniform', type: params.name }]);
  all.forEach(([name, b], i) => lines.push(`@group(0) @binding(${i}) var<${b.space}> ${name}: ${b.type};`));
  return `// Generated from the kernel's declaration (kernel.ts): uniforms and bindings.\n${lines.join('\n')}\n`;
}

export function defineKernel<B extends Record<string, BindingDecl>, U extends Fields = Record<never, FieldType>>(decl: KernelDecl<B, U>): Kernel<B, U> {
  return new Kernel(decl);
}
