// Kernels declared once (src/kernel.ts): the uniform layout and packing, the generated WGSL header,
// the errors a wrong call gets, and that no op builds a uniform or a bind group any other way.
import { describe, expect, it } from 'vitest';
import { defineKernel, read, readWrite, struct, uniform, uniformArray } from '../src/kernel.ts';
import { testDevice } from './device.ts';

const wgslBodies = import.meta.glob('../src/ops/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const opSources = import.meta.glob('../src/ops/*.ts', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

describe('uniform structs', () => {
  const S = struct('S', { a: 'u32', v: 'vec4f', f: 'f32', two: 'vec2i', on: 'flag', i: 'i32' });

  it('lay fields out as WGSL uniforms do (vec2 at 8, vec4 at 16, size a multiple of 16)', () => {
    expect(S.slots.map((s) => [s.name, s.offset])).toEqual([['a', 0], ['v', 16], ['f', 32], ['two', 40], ['on', 48], ['i', 52]]);
    expect(S.size).toBe(64);
    expect(S.wgsl()).toBe('struct S { a: u32, v: vec4f, f: f32, two: vec2i, on: u32, i: i32 }');
    expect(struct('T', { x: 'u32' }).size).toBe(16);
  });

  it('pack values by name at those offsets', () => {
    const view = new DataView(S.pack({ a: 7, v: [1, 2, 3, 4.5], f: 0.25, two: [-1, 3], on: true, i: -9 }));
    expect(view.getUint32(0, true)).toBe(7);
    expect([16, 20, 24, 28].map((o) => view.getFloat32(o, true))).toEqual([1, 2, 3, 4.5]);
    expect(view.getFloat32(32, true)).toBe(0.25);
    expect([view.getInt32(40, true), view.getInt32(44, true)]).toEqual([-1, 3]);
    expect(view.getUint32(48, true)).toBe(1);
    expect(view.getInt32(52, true)).toBe(-9);
  });

  it('reject a missing, extra or ill-typed value with its name', () => {
    const ok = { a: 1, v: [0, 0, 0, 0], f: 0, two: [0, 0], on: false, i: 0 } as const;
    // @ts-expect-error a field is missing
    expect(() => S.pack({ a: 1, v: [0, 0, 0, 0], f: 0, two: [0, 0], on: false })).toThrow(/uniform 'i' \(i32\) is missing/);
    // @ts-expect-error an unknown field
    expect(() => S.pack({ ...ok, b: 2 })).toThrow(/unknown uniform 'b'/);
    // @ts-expect-error a flag takes a boolean
    expect(() => S.pack({ ...ok, on: 1 })).toThrow(/'on' is a flag/);
    // @ts-expect-error a vec4f takes four numbers
    expect(() => S.pack({ ...ok, v: [1, 2, 3] })).toThrow(/'v' is a vec4f/);
    expect(() => S.pack({ ...ok, a: -1 })).toThrow(/'a' must be a u32; got -1/);
    expect(() => S.pack({ ...ok, a: 1.5 })).toThrow(/'a' must be a u32/);
    // @ts-expect-error a number field takes a number
    expect(() => S.pack({ ...ok, f: '1' })).toThrow(/'f' must be a number/);
  });
});

describe('kernel declarations', () => {
  const Hyper = struct('Hyper', { lr: 'f32' });
  const k = defineKernel({
    name: 'test_declared', code: 'fn unused() {}',
    bindings: { x: read(), w: uniformArray('vec4f', 4), h: uniform(Hyper), y: readWrite('vec4f') },
    uniforms: { n: 'u32', scale: 'f32' },
  });

  it('generate the struct and every binding, in declaration order, the uniform struct last as p', () => {
    expect(k.header).toContain('struct Hyper { lr: f32 }');
    expect(k.header).toContain('struct Params { n: u32, scale: f32 }');
    expect(k.header.split('\n').filter((l) => l.startsWith('@group'))).toEqual([
      '@group(0) @binding(0) var<storage, read> x: array<f32>;',
      '@group(0) @binding(1) var<uniform> w: array<vec4f, 4>;',
      '@group(0) @binding(2) var<uniform> h: Hyper;',
      '@group(0) @binding(3) var<storage, read_write> y: array<vec4f>;',
      '@group(0) @binding(4) var<uniform> p: Params;',
    ]);
    expect(k.source({ N: 3 })).toMatch(/^const N = 3u;\n/);
  });

  it('run: a dispatch from named buffers and values computes what the body says', async () => {
    const { ctx } = await testDevice();
    const scaleKernel = defineKernel({
      name: 'test_scale', bindings: { x: read(), y: readWrite() }, uniforms: { n: 'u32', scale: 'f32', offset: 'vec4f' },
      code: '@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) { if (g.x < p.n) { y[g.x] = x[g.x] * p.scale + p.offset.w; } }',
    });
    const x = ctx.upload(Float32Array.of(1, 2, 3), 'x');
    const y = ctx.storage(12, 'y');
    ctx.run([scaleKernel.dispatch(ctx, { bindings: { x, y }, uniforms: { n: 3, scale: 2, offset: [0, 0, 0, 0.5] }, workgroups: [1] })]);
    expect(Array.from(await ctx.readF32(y, 3))).toEqual([2.5, 4.5, 6.5]);
    // @ts-expect-error a binding is missing
    expect(() => scaleKernel.dispatch(ctx, { bindings: { x }, uniforms: { n: 3, scale: 2, offset: [0, 0, 0, 0] }, workgroups: [1] })).toThrow(/missing binding y/);
    // @ts-expect-error a uniform is missing
    expect(() => scaleKernel.dispatch(ctx, { bindings: { x, y }, uniforms: { n: 3, scale: 2 }, workgroups: [1] })).toThrow(/kernel test_scale: uniform 'offset' \(vec4f\) is missing/);
  });
});

describe('every op kernel is declared once', () => {
  it('no .wgsl body declares its own uniform struct or bindings', () => {
    expect(Object.keys(wgslBodies).length).toBeGreaterThan(30);
    const offenders = Object.entries(wgslBodies).filter(([, src]) => /@binding\(|^struct (Params|Shape|Cfg|Hyper|Epoch)\b/m.test(src)).map(([f]) => f);
    expect(offenders).toEqual([]);
  });

  it('no op builds a uniform buffer or a bind group by position', () => {
    const positional = /ctx\.uniform\(|\.uniformRaw\(|ctx\.dispatch\(|ctx\.pipeline\(/;
    const offenders = Object.entries(opSources).filter(([, src]) => positional.test(src)).map(([f]) => f);
    expect(offenders).toEqual([]);
  });
});
