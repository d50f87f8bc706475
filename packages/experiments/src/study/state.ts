/**
 * <Label>_state.bin: the engine's bytes behind a 16-byte header (magic "LLST", format version,
 * completed epoch). The header's epoch is the truth on resume: the CSV is cut back to it.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic.ts';

const MAGIC = 0x54534c4c; // 'LLST' little-endian
const VERSION = 1;
const HEADER = 16;

export interface SavedState {
  epoch: number;
  engine: Uint8Array;
}

export function encodeState(s: SavedState): Uint8Array {
  const out = new Uint8Array(HEADER + s.engine.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, MAGIC, true);
  v.setUint32(4, VERSION, true);
  v.setUint32(8, s.epoch, true);
  v.setUint32(12, s.engine.length, true);
  out.set(s.engine, HEADER);
  return out;
}

export function decodeState(bytes: Uint8Array, file = 'state'): SavedState {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < HEADER || v.getUint32(0, true) !== MAGIC || v.getUint32(4, true) !== VERSION) {
    throw new Error(`${file}: expected a LossLab state file (version ${VERSION}), found something else`);
  }
  const n = v.getUint32(12, true);
  if (bytes.length !== HEADER + n) throw new Error(`${file}: expected ${HEADER + n} bytes, found ${bytes.length}`);
  return { epoch: v.getUint32(8, true), engine: bytes.slice(HEADER) };
}

export function writeState(path: string, s: SavedState): Promise<void> {
  return writeFileAtomic(path, encodeState(s));
}

export async function readState(path: string): Promise<SavedState | null> {
  const bytes = await readFile(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  return bytes ? decodeState(new Uint8Array(bytes), path) : null;
}
