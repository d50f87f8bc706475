/**
 * The GPU engine's saved state (the engine bytes inside <Label>_state.bin, see study/state.ts) as
 * named tensors. Its layout: u32 H, H bytes of JSON { format, floats, stateFloats?, arch }, then
 * `floats` parameter floats, `floats` momentum floats, `stateFloats` running-state floats
 * (BatchNorm statistics; absent in format 1). Tensors lie in those flat images in the model's
 * declaration order, each 256-byte aligned, as ParamStore packs them; names and shapes come from
 * the model itself (`params()` and, where the model has running state, `state()`), so every
 * architecture exports with its PyTorch state-dict names.
 */
import { ALIGN } from '@losslab/kernels';
import { buildModel, numel } from '@losslab/nn';
import type { SafeTensor } from './safetensors.ts';

export interface EngineStateHeader {
  format: number;
  floats: number;
  stateFloats?: number;
  arch: string;
}

interface TensorSpec {
  name: string;
  shape: number[];
}

/** Where each tensor starts in a packed flat image (floats): ParamStore's layout. */
export function packedOffsets(specs: TensorSpec[]): { offsets: number[]; total: number } {
  const per = ALIGN / 4;
  let off = 0;
  const offsets = specs.map((s) => {
    const at = off;
    off += Math.ceil(Math.max(numel(s.shape), 1) / per) * per;
    return at;
  });
  return { offsets, total: Math.max(off, per) };
}

export function readEngineState(bytes: Uint8Array): { header: EngineStateHeader; params: Float32Array; state: Float32Array } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = v.getUint32(0, true);
  let header: EngineStateHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + h))) as EngineStateHeader;
  } catch {
    throw new Error('the state holds no GPU engine header (was it written by another engine?)');
  }
  const stateFloats = header.stateFloats ?? 0;
  const need = 4 + h + (header.floats * 2 + stateFloats) * 4;
  if (bytes.length !== need) throw new Error(`engine state of ${bytes.length} bytes, its header says ${need}`);
  const body = bytes.slice(4 + h);
  const all = new Float32Array(body.buffer, 0, header.floats * 2 + stateFloats);
  return { header, params: all.slice(0, header.floats), state: all.slice(header.floats * 2) };
}

/** Running-state tensors PyTorch keeps as int64 (BatchNorm's counter). */
const INT64_STATE = /(^|\.)num_batches_tracked$/;

/** The trained parameters and running state as PyTorch-named tensors, in the model's order. */
export function engineStateTensors(bytes: Uint8Array, classes = 10): { arch: string; tensors: SafeTensor[] } {
  const { header, params, state } = readEngineState(bytes);
  const model = buildModel(header.arch, classes) as ReturnType<typeof buildModel> & { state?: () => TensorSpec[] };
  const groups: [TensorSpec[], Float32Array, string][] = [[model.params(), params, 'parameters'], [model.state?.() ?? [], state, 'running state']];
  const tensors: SafeTensor[] = [];
  for (const [specs, flat, what] of groups) {
    const { offsets, total } = packedOffsets(specs);
    if (specs.length && total !== flat.length) throw new Error(`${header.arch}: ${what} of ${total} floats expected, the state holds ${flat.length}`);
    specs.forEach((s, i) => {
      const values = flat.subarray(offsets[i], offsets[i] + Math.max(numel(s.shape), 1));
      const int = INT64_STATE.test(s.name);
      tensors.push({ name: s.name, dtype: int ? 'I64' : 'F32', shape: s.shape, data: int ? BigInt64Array.from(values, (x) => BigInt(Math.round(x))) : Float32Array.from(values) });
    });
  }
  return { arch: header.arch, tensors };
}
