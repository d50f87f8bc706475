/**
 * IDX files (LeCun's MNIST format, also Fashion-MNIST's), gzip-compressed or not: a 4-byte magic
 * number (0, 0, the element type — 0x08 for unsigned bytes — and the number of dimensions), the
 * dimensions as big-endian u32, then the elements. Every header field and the length are checked.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { DataError } from './errors.ts';

const UBYTE = 0x08;

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
  const b = await readMaybeGz(file);
  const want = `magic 0x${(0x800 | dims.length).toString(16).padStart(8, '0')} (unsigned bytes, ${dims.length} dimension${dims.length > 1 ? 's' : ''})`;
  if (b.length < 4) throw new DataError(file, `an IDX file starting with ${want}`, `${b.length} bytes`);
  const magic = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  if (b[0] !== 0 || b[1] !== 0 || b[2] !== UBYTE || b[3] !== dims.length) {
    throw new DataError(file, want, `magic 0x${magic.toString(16).padStart(8, '0')}`);
  }
  const header = 4 + 4 * dims.length;
  if (b.length < header) throw new DataError(file, `a ${header}-byte IDX header`, `${b.length} bytes`);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const got = dims.map((_, i) => view.getUint32(4 + 4 * i, false));
  if (got.some((d, i) => d !== dims[i])) throw new DataError(file, `dimensions ${dims.join('×')}`, `dimensions ${got.join('×')}`);
  const size = header + dims.reduce((a, d) => a * d, 1);
  if (b.length !== size) throw new DataError(file, `${size.toLocaleString('en-US')} bytes (header and ${dims.join('×')} values)`, `${b.length.toLocaleString('en-US')} bytes`);
  return new Uint8Array(b.buffer, b.byteOffset + header, b.length - header);
}
