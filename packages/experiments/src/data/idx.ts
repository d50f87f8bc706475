/**
 * IDX files (LeCun's MNIST format, also Fashion-MNIST's), gzip-compressed or not: a 4-byte magic
 * number (0, 0, the element type — 0x08 for unsigned bytes — and the number of dimensions), the
 * dimensions as big-endian u32, then the elements. Every header field and the length are checked.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { DataError } from './errors.ts';
import { parseIdx } from './bytes.ts';

/** The file's bytes, gunzipped when it ends in .gz. */
async function readMaybeGz(file: string): Promise<Uint8Array> {
  const raw = await readFile(file).catch((e: NodeJS.ErrnoException) => {
    throw new DataError(file, 'a readable file', e.code === 'ENOENT' ? 'no such file' : `it cannot be read (${e.code ?? e.message})`);
  });
  if (!file.endsWith('.gz')) return raw;
  try {
    return gunzipSync(raw);
  } catch (e) {
    throw new DataError(file, 'a complete gzip file', `it does not decompress (${(e as Error).message}): truncated or damaged`);
  }
}

/**
 * Reads an unsigned-byte IDX file whose dimensions must equal `dims` (the first is the item count).
 * Returns the elements after the header.
 */
export async function readIdx(file: string, dims: number[]): Promise<Uint8Array> {
  return parseIdx(file, await readMaybeGz(file), dims);
}
