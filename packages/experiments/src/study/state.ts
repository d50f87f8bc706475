/** <Label>_state.bin on disk; the bytes' layout is state-format.ts. */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic.ts';
import { decodeState, encodeState, type SavedState } from './state-format.ts';

export { decodeState, encodeState, type LastEval, type SavedState } from './state-format.ts';

export function writeState(path: string, s: SavedState): Promise<void> {
  return writeFileAtomic(path, encodeState(s));
}

export async function readState(path: string): Promise<SavedState | null> {
  const bytes = await readFile(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw new Error(`${path}: cannot read (${e.code ?? e.message})`);
  });
  return bytes ? decodeState(new Uint8Array(bytes), path) : null;
}
