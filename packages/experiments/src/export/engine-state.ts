/**
 * The GPU engine's saved state (engine/state-bytes.ts) as named tensors. Tensors lie in its flat
 * images as ParamStore packs them (nn's packedLayout); names and shapes come from
 * the model itself (`params()` and, where the model has running state, `state()`), so every
 * architecture exports with its PyTorch state-dict names.
 */
import { buildModel, numel, packedLayout } from '@losslab/nn';
import { decodeEngineState } from '../engine/state-bytes.ts';
import type { SafeTensor } from './safetensors.ts';

interface TensorSpec {
  name: string;
  shape: number[];
}

/** Running-state tensors PyTorch keeps as int64 (BatchNorm's counter). */
const INT64_STATE = /(^|\.)num_batches_tracked$/;

/** The trained parameters and running state as PyTorch-named tensors, in the model's order. */
export function engineStateTensors(bytes: Uint8Array, classes = 10, input?: number[]): { arch: string; tensors: SafeTensor[] } {
  const { header, params, state } = decodeEngineState(bytes);
  const model = buildModel(header.arch, classes, input) as ReturnType<typeof buildModel> & { state?: () => TensorSpec[] };
  const groups: [TensorSpec[], Float32Array, string][] = [[model.params(), params, 'parameters'], [model.state?.() ?? [], state, 'running state']];
  const tensors: SafeTensor[] = [];
  for (const [specs, flat, what] of groups) {
    const { offsets, total } = packedLayout(specs, what);
    if (specs.length && total !== flat.length) throw new Error(`${header.arch}: ${what} of ${total} floats expected, the state holds ${flat.length}`);
    specs.forEach((s) => {
      const at = offsets.get(s.name)!;
      const values = flat.subarray(at, at + Math.max(numel(s.shape), 1));
      const int = INT64_STATE.test(s.name);
      tensors.push({ name: s.name, dtype: int ? 'I64' : 'F32', shape: s.shape, data: int ? BigInt64Array.from(values, (x) => BigInt(Math.round(x))) : Float32Array.from(values) });
    });
  }
  return { arch: header.arch, tensors };
}
