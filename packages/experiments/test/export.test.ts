/** losslab export: the engine state as PyTorch-named safetensors, read back here (and by PyTorch in real-data.test.ts). */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel, numel, packedLayout, ParamStore } from '@losslab/nn';
import { engineState, layoutOnly } from './helpers/engine-state.ts';
import { engineStateTensors } from '../src/export/engine-state.ts';
import { decodeSafetensors, encodeSafetensors } from '../src/export/safetensors.ts';
import { encodeState } from '../src/study/state.ts';
import { runMain } from './helpers/main.ts';
import { runFake, smallConfig } from './helpers/study.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();

describe('safetensors', () => {
  it('round trip; header 8-byte aligned; offsets contiguous', () => {
    const bytes = encodeSafetensors([
      { name: 'a.weight', dtype: 'F32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
      { name: 'bn.num_batches_tracked', dtype: 'I64', shape: [], data: BigInt64Array.from([391n]) },
    ], { arch: 'x' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header['a.weight']).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(header['bn.num_batches_tracked']).toEqual({ dtype: 'I64', shape: [], data_offsets: [24, 32] });
    expect(bytes.length).toBe(8 + n + 32);
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ arch: 'x' });
    expect(Array.from(back.tensors[0].data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(back.tensors[1].data[0]).toBe(391n);
  });
});

describe('engine state → named tensors', () => {
  it.each(['convnet', 'convnet-large'])('%s: ParamStore\'s layout, the model\'s names and shapes, every value in place', (arch) => {
    const { bytes, store } = engineState(arch);
    expect([...packedLayout(store.specs).offsets.values()]).toEqual(store.specs.map((s) => store.offsets.get(s.name)));
    const { tensors } = engineStateTensors(bytes);
    expect(tensors.map((t) => [t.name, t.shape])).toEqual(store.specs.map((s) => [s.name, s.shape]));
    tensors.forEach((t, k) => {
      expect(t.dtype).toBe('F32');
      expect(t.data.length).toBe(numel(t.shape));
      expect(t.data[0]).toBe(k * 1e4);
      expect(t.data[t.data.length - 1]).toBe(k * 1e4 + t.data.length - 1);
    });
  });

  it('resnet8 (format 2): BatchNorm running statistics exported too, num_batches_tracked as int64', () => {
    const model = buildModel('resnet8');
    const store = new ParamStore(layoutOnly, model);
    expect(store.stateSpecs.length).toBeGreaterThan(0);
    const params = new Float32Array(store.totalFloats);
    const state = new Float32Array(store.stateFloats);
    store.stateSpecs.forEach((s, k) => {
      const at = store.stateOffsets.get(s.name)!;
      if (s.name.endsWith('num_batches_tracked')) state[at] = 391;
      else for (let i = 0; i < numel(s.shape); i++) state[at + i] = k + i / 1000;
    });
    const header = new TextEncoder().encode(JSON.stringify({ format: 2, floats: store.totalFloats, stateFloats: store.stateFloats, arch: 'resnet8' }));
    const bytes = new Uint8Array(4 + header.length + (params.length * 2 + state.length) * 4);
    new DataView(bytes.buffer).setUint32(0, header.length, true);
    bytes.set(header, 4);
    bytes.set(new Uint8Array(state.buffer), 4 + header.length + params.byteLength * 2);
    const { tensors } = engineStateTensors(bytes);
    expect(tensors.map((t) => t.name)).toEqual([...store.specs, ...store.stateSpecs].map((s) => s.name));
    const byName = Object.fromEntries(tensors.map((t) => [t.name, t]));
    expect(byName['bn1.running_var']).toMatchObject({ dtype: 'F32', shape: [16] });
    store.stateSpecs.forEach((s, k) => {
      const t = byName[s.name];
      if (s.name.endsWith('num_batches_tracked')) expect(t).toMatchObject({ dtype: 'I64', shape: [], data: BigInt64Array.from([391n]) });
      else expect(t.data[1]).toBeCloseTo(k + 0.001, 5);
    });
  });

  it('refuses a state whose size does not match its header', () => {
    const { bytes } = engineState('convnet');
    expect(() => engineStateTensors(bytes.subarray(0, bytes.length - 4))).toThrow(/engine state of \d+ bytes, its header says \d+/);
  });
});

describe('losslab export', () => {
  it('a study folder: --run picks the run; the file reads back with PyTorch names and the run in its metadata', async () => {
    const dir = await tmp();
    await runFake(dir, smallConfig({ losses: ['ce', 'l1'], seeds: [0], epochs: 2 }));
    // The fake engine's state is not a model: put a real engine's state in CE's state file.
    await writeFile(join(dir, 'seed_0/CE_state.bin'), encodeState({ epoch: 2, engine: engineState('convnet').bytes, lastEval: null }));
    const many = await runMain(['export', dir]);
    expect(many.code).toBe(2);
    expect(many.err).toMatch(/has 2 runs: choose one with --run \(clean_convnet_ce_s0, clean_convnet_l1_s0\)/);
    const r = await runMain(['export', dir, '--run', 'clean_convnet_ce_s0']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/wrote .*seed_0\/CE_weights.safetensors: 8 tensors of convnet \(conv1.weight, .*fc2.bias\), epoch 2\n$/);
    const { tensors, metadata } = decodeSafetensors(new Uint8Array(await readFile(join(dir, 'seed_0/CE_weights.safetensors'))));
    expect(tensors.map((t) => t.name)).toEqual(['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(tensors[0].shape).toEqual([4, 3, 3, 3]);
    expect(metadata).toMatchObject({ format: 'pt', arch: 'convnet', epoch: '2', run: 'clean_convnet_ce_s0', loss: 'ce', seed: '0', status: 'done' });
  });

  it.each([
    [['export', '/nonexistent/x'], 2, /no such file or folder/],
    [['export', '{d}', '--run', 'nope'], 2, /has no run 'nope' \(runs: clean_convnet_ce_s0\)/],
    [['export', '{d}/seed_0/CE_results.csv'], 2, /expected a LossLab state file/],
    [['export', '{d}'], 1, /^losslab export: the state holds no GPU engine header|engine state of/], // the fake engine's state
  ])('%j: one line, exit %i', async (args, code, msg) => {
    const dir = await tmp();
    await runFake(dir, smallConfig({ losses: ['ce'], seeds: [0], epochs: 1 }));
    const r = await runMain(args.map((a) => a.replace('{d}', dir)));
    expect(r.err).toMatch(msg);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.code).toBe(code);
  });
});
