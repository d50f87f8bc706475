/**
 * State-dict files: JSON of flat arrays, the schema of ../shared/golden (each tensor
 * `{"shape": [...], "data": [...]}`, row-major, PyTorch names). PyTorch users write one with
 * `json.dump({k: {"shape": list(v.shape), "data": v.flatten().tolist()} for k, v in model.state_dict().items()}, f)`
 * and read one back with `torch.tensor(d[k]["data"]).reshape(d[k]["shape"])`.
 */
import type { StateDict } from './params.ts';

export function stateDictToJson(state: StateDict): string {
  const out: Record<string, { shape: number[]; data: number[] }> = {};
  for (const [k, v] of Object.entries(state)) out[k] = { shape: v.shape, data: Array.from(v.data) };
  return JSON.stringify(out);
}

export function stateDictFromJson(text: string): StateDict {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`state dict is not valid JSON: ${(e as Error).message}`);
  }
  const obj = ((raw as { params?: unknown }).params ?? raw) as Record<string, { shape?: unknown; data?: unknown }>;
  const out: StateDict = {};
  for (const [k, v] of Object.entries(obj)) {
    if (!Array.isArray(v?.shape) || !Array.isArray(v?.data)) throw new Error(`state dict entry "${k}" needs "shape" and "data" arrays`);
    const n = (v.shape as number[]).reduce((a, b) => a * b, 1);
    if (n !== (v.data as number[]).length) throw new Error(`state dict entry "${k}": shape [${v.shape}] holds ${n} values but data has ${(v.data as number[]).length}`);
    out[k] = { shape: v.shape as number[], data: Float32Array.from(v.data as number[]) };
  }
  return out;
}
