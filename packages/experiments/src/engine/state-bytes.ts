/**
 * The GPU engine's saved state (the engine bytes inside <Label>_state.bin, see study/state.ts),
 * written and read here only. Layout: u32 H, H bytes of JSON { format, floats, stateFloats?, arch },
 * then `floats` parameter floats, `floats` momentum floats, `stateFloats` running-state floats
 * (BatchNorm statistics; format 1, for models without running state, has none). Each flat image
 * is packed as ParamStore packs it (nn's packedLayout).
 */
export interface EngineStateHeader {
  format: number;
  floats: number;
  stateFloats?: number;
  arch: string;
}

export interface EngineState {
  header: EngineStateHeader;
  params: Float32Array<ArrayBuffer>;
  momentum: Float32Array<ArrayBuffer>;
  state: Float32Array<ArrayBuffer>;
}

export function encodeEngineState(arch: string, params: Float32Array, momentum: Float32Array, state: Float32Array): Uint8Array {
  // Models without running state keep format 1 (no state section), as before BatchNorm.
  const header = new TextEncoder().encode(JSON.stringify(state.length
    ? { format: 2, floats: params.length, stateFloats: state.length, arch }
    : { format: 1, floats: params.length, arch }));
  const out = new Uint8Array(4 + header.length + params.byteLength * 2 + state.byteLength);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  let at = 4 + header.length;
  for (const part of [params, momentum, state]) {
    out.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), at);
    at += part.byteLength;
  }
  return out;
}

export function decodeEngineState(bytes: Uint8Array): EngineState {
  const h = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  let header: EngineStateHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + h))) as EngineStateHeader;
  } catch {
    throw new Error('the state holds no GPU engine header (was it written by another engine?)');
  }
  const stateFloats = header.stateFloats ?? 0;
  const need = 4 + h + (header.floats * 2 + stateFloats) * 4;
  if (bytes.length !== need) throw new Error(`engine state of ${bytes.length} bytes, its header says ${need}`);
  const all = new Float32Array(bytes.slice(4 + h).buffer, 0, header.floats * 2 + stateFloats);
  return { header, params: all.slice(0, header.floats), momentum: all.slice(header.floats, header.floats * 2), state: all.slice(header.floats * 2) };
}
