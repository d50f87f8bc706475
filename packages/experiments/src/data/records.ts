/** Helpers the readers share: reading fixed-size record files, joining splits, checking labels against the class count. */
import { readFile, stat } from 'node:fs/promises';
import { DataError } from './errors.ts';
import { labelArray, type LabelArray, type Split } from './dataset.ts';

/** The bytes of a file of `n` records of `recordBytes` each; DataError naming `file` if it is missing, of another size or unreadable. */
export async function readRecordFile(file: string, n: number, recordBytes: number): Promise<Uint8Array> {
  const expected = n * recordBytes;
  const size = await stat(file).then((s) => s.size, () => -1);
  if (size < 0) throw new DataError(file, `a file of ${expected.toLocaleString('en-US')} bytes`, 'no such file');
  if (size !== expected) {
    throw new DataError(file, `${expected.toLocaleString('en-US')} bytes (${n} records of ${recordBytes})`, `${size.toLocaleString('en-US')} bytes`);
  }
  return readFile(file).catch((e: NodeJS.ErrnoException) => {
    throw new DataError(file, 'a readable file', `it cannot be read (${e.code ?? e.message})`);
  });
}

/** The splits one after another (images of `imageBytes` each). */
export function concatSplits(parts: Split[], imageBytes: number): Split {
  const n = parts.reduce((s, p) => s + p.labels.length, 0);
  const images = new Uint8Array(n * imageBytes);
  const labels: LabelArray = parts.some((p) => p.labels instanceof Uint16Array) ? new Uint16Array(n) : new Uint8Array(n);
  let k = 0;
  for (const p of parts) {
    images.set(p.images, k * imageBytes);
    labels.set(p.labels, k);
    k += p.labels.length;
  }
  return { images, labels };
}

/** Labels as the smallest array that holds `classes` classes; DataError naming `file` at the first one outside 0..classes−1. */
export function checkedLabels(file: string, values: ArrayLike<number>, classes: number, what = 'index'): LabelArray {
  const out = labelArray(values.length, classes);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(Number.isInteger(v) && v >= 0 && v < classes)) throw new DataError(file, `labels 0–${classes - 1} (${classes} classes)`, `label ${v} at ${what} ${i}`);
    out[i] = v;
  }
  return out;
}
