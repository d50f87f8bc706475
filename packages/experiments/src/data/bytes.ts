/**
 * The byte-level part of the readers, free of Node (the browser's Train page reads the same bytes
 * from a picked archive): CIFAR records split into images and labels, IDX headers checked, labels
 * checked against the class count, splits joined. Every problem is a DataError naming the file.
 */
import { labelArray, type LabelArray, type Split } from './dataset.ts';
import { DataError } from './errors.ts';
import { CLASS_NAMES, IMAGE_BYTES, NUM_CLASSES, RECORD_BYTES } from './layout.ts';

const UBYTE = 0x08;

/** Separates label bytes from image bytes, checking every label is 0–9. */
export function splitRecords(file: string, raw: Uint8Array, n: number): Split {
  const images = new Uint8Array(n * IMAGE_BYTES);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const off = i * RECORD_BYTES;
    const label = raw[off];
    if (label >= NUM_CLASSES) throw new DataError(file, `labels 0–9`, `label ${label} in record ${i} (byte offset ${off})`);
    labels[i] = label;
    images.set(raw.subarray(off + 1, off + RECORD_BYTES), i * IMAGE_BYTES);
  }
  return { images, labels };
}

/** CIFAR-10's batches.meta.txt: the 10 class names in order, one per line. */
export function checkClassNames(file: string, text: string): string[] {
  const names = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (names.length !== NUM_CLASSES || names.some((n, i) => n !== CLASS_NAMES[i])) {
    throw new DataError(file, `the class names ${CLASS_NAMES.join(', ')}`, names.length ? names.join(', ') : 'no names');
  }
  return names;
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

/**
 * The elements of an unsigned-byte IDX file (already gunzipped) whose dimensions must equal `dims`
 * (the first is the item count); `file` names it in errors.
 */
export function parseIdx(file: string, b: Uint8Array, dims: number[]): Uint8Array {
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
