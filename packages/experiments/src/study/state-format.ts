/**
 * <Label>_state.bin: everything a run needs to continue, in one file written atomically after
 * each epoch. Layout (little-endian; docs/results-format.md):
 *   0  u32 magic "LLST"        4  u32 format version (2; version 1 files lack the trailer)
 *   8  u32 completed epoch    12  u32 N, the engine's byte count
 *  16  N bytes: the engine's state (its own format: parameters, optimizer state, …)
 *  16+N  u32 M, then M bytes of UTF-8 JSON { "lastEval": { "epoch", "eval" } | null }: the last
 *        evaluation, so final.json can be written on resume when a kill fell after the last epoch.
 * The header's epoch is the truth on resume: the CSV is checked against it.
 */
import type { EvalStats } from '../engine/types.ts';

const MAGIC = 0x54534c4c; // 'LLST' little-endian
const VERSION = 2;
const HEADER = 16;

export interface LastEval {
  epoch: number;
  eval: EvalStats;
}

export interface SavedState {
  epoch: number;
  engine: Uint8Array;
  /** The last evaluation up to `epoch` (null: none yet, or a version 1 file). */
  lastEval: LastEval | null;
}

export function encodeState(s: SavedState): Uint8Array {
  const trailer = new TextEncoder().encode(JSON.stringify({ lastEval: s.lastEval }));
  const out = new Uint8Array(HEADER + s.engine.length + 4 + trailer.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, MAGIC, true);
  v.setUint32(4, VERSION, true);
  v.setUint32(8, s.epoch, true);
  v.setUint32(12, s.engine.length, true);
  out.set(s.engine, HEADER);
  v.setUint32(HEADER + s.engine.length, trailer.length, true);
  out.set(trailer, HEADER + s.engine.length + 4);
  return out;
}

export function decodeState(bytes: Uint8Array, file = 'state'): SavedState {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = bytes.length >= HEADER ? v.getUint32(4, true) : 0;
  if (bytes.length < HEADER || v.getUint32(0, true) !== MAGIC || (version !== 1 && version !== VERSION)) {
    throw new Error(`${file}: expected a LossLab state file (version ≤ ${VERSION}), found something else`);
  }
  const n = v.getUint32(12, true);
  const epoch = v.getUint32(8, true);
  const engine = bytes.slice(HEADER, HEADER + n);
  if (version === 1) {
    if (bytes.length !== HEADER + n) throw new Error(`${file}: expected ${HEADER + n} bytes, found ${bytes.length}`);
    return { epoch, engine, lastEval: null };
  }
  const m = bytes.length >= HEADER + n + 4 ? v.getUint32(HEADER + n, true) : -1;
  if (m < 0 || bytes.length !== HEADER + n + 4 + m) throw new Error(`${file}: truncated (${bytes.length} bytes)`);
  let lastEval: LastEval | null;
  try {
    lastEval = (JSON.parse(new TextDecoder().decode(bytes.subarray(HEADER + n + 4))) as { lastEval: LastEval | null }).lastEval;
  } catch {
    throw new Error(`${file}: damaged trailer`);
  }
  return { epoch, engine, lastEval };
}
