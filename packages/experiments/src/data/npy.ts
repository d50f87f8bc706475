/**
 * NumPy .npy arrays (format versions 1–3: the magic "\x93NUMPY", a version, the header's length, a
 * Python dict literal with 'descr', 'fortran_order' and 'shape', then the raw C-order data) and
 * .npz archives of them (zip, stored or deflated, read with fflate). Only what a data set needs:
 * uint8 images and integer labels, little-endian, C order. Every problem is a DataError naming
 * the file.
 */
import { readFile } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import { DataError } from './errors.ts';

export interface NpyArray {
  /** numpy's dtype string, e.g. '|u1', '<i8'. */
  descr: string;
  shape: number[];
  /** The raw little-endian data (C order). */
  data: Uint8Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Parses one .npy file's bytes; `file` names it in errors. */
export function parseNpy(file: string, b: Uint8Array): NpyArray {
  if (b.length < 10 || MAGIC.some((m, i) => b[i] !== m)) throw new DataError(file, 'a .npy file (magic \\x93NUMPY)', b.length < 10 ? `${b.length} bytes` : 'other bytes');
  const major = b[6];
  if (major < 1 || major > 3) throw new DataError(file, '.npy format version 1, 2 or 3', `version ${major}.${b[7]}`);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (b.length < start + headerLen) throw new DataError(file, `a ${headerLen}-byte .npy header`, `${b.length} bytes in all (truncated)`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(b.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new DataError(file, "a .npy header with 'descr', 'fortran_order' and 'shape'", JSON.stringify(header.trim()));
  if (fortran === 'True') throw new DataError(file, 'a C-order array', 'fortran_order True (save np.ascontiguousarray(x))');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new DataError(file, 'a shape of non-negative integers', `(${shapeText})`);
  const data = b.subarray(start + headerLen);
  const itemSize = Number(/\d+$/.exec(descr)?.[0] ?? NaN);
  const want = shape.reduce((a, d) => a * d, 1) * itemSize;
  if (data.length !== want) throw new DataError(file, `${want.toLocaleString('en-US')} data bytes for shape (${shape.join(', ')}) of ${descr}`, `${data.length.toLocaleString('en-US')} bytes (truncated or damaged)`);
  return { descr, shape, data };
}

async function readBytes(file: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(file).catch((e: NodeJS.ErrnoException) => {
    throw new DataError(file, 'a readable file', e.code === 'ENOENT' ? 'no such file' : `it cannot be read (${e.code ?? e.message})`);
  }));
}

export async function readNpy(file: string): Promise<NpyArray> {
  return parseNpy(file, await readBytes(file));
}

/** The arrays of an .npz archive by name (without '.npy'). */
export async function readNpz(file: string): Promise<Record<string, NpyArray>> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(await readBytes(file));
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(file, 'an .npz (zip) archive', `it does not unpack (${(e as Error).message}): truncated or damaged`);
  }
  return Object.fromEntries(Object.entries(entries).map(([name, bytes]) => [name.replace(/\.npy$/, ''), parseNpy(`${file}:${name}`, bytes)]));
}

const INTEGER = /^[<|]([iu])([1248])$/;

/** An integer array's values as numbers (labels); DataError for any other dtype. */
export function integerValues(file: string, a: NpyArray): number[] {
  const m = INTEGER.exec(a.descr);
  if (!m) throw new DataError(file, 'integer labels (a little-endian int or uint dtype)', `dtype ${a.descr}`);
  const size = Number(m[2]);
  const signed = m[1] === 'i';
  const v = new DataView(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const n = a.data.length / size;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const o = i * size;
    out[i] = size === 1 ? (signed ? v.getInt8(o) : v.getUint8(o))
      : size === 2 ? (signed ? v.getInt16(o, true) : v.getUint16(o, true))
      : size === 4 ? (signed ? v.getInt32(o, true) : v.getUint32(o, true))
      : Number(signed ? v.getBigInt64(o, true) : v.getBigUint64(o, true));
  }
  return out;
}
