/**
 * Your own arrays as a data set: a small JSON manifest naming NumPy files, e.g.
 *
 *   { "name": "my-data", "classes": ["cat", "dog"],
 *     "train": "train.npz", "test": "test.npz",
 *     "mean": "compute", "std": "compute", "augment": { "pad": 4, "flip": true } }
 *
 * - train / test: an .npz holding `images` and `labels`, or { "images": "x.npy", "labels": "y.npy" };
 *   paths are relative to the manifest.
 * - images: uint8, N×H×W×C or N×C×H×W (C ≤ 4; "layout": "NHWC" or "NCHW" when the shape does not
 *   tell), or N×H×W (one channel); labels: integers 0..classes−1, one per image.
 * - classes: the class names, or their count (names "0", "1", …).
 * - mean / std: one number per channel, or "compute" (from the training set, pixel values in [0, 1]).
 * - augment: crop padding and flips for training (default none).
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Dataset, DatasetDescriptor, DatasetSpec, Split } from './dataset.ts';
import { DataError } from './errors.ts';
import { integerValues, readNpy, readNpz, type NpyArray } from './npy.ts';
import { checkedLabels } from './records.ts';

type Json = Record<string, unknown>;

async function readManifest(file: string): Promise<Json> {
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new DataError(file, 'a data-set manifest (JSON)', e.code === 'ENOENT' ? 'no such file' : `it cannot be read (${e.code ?? e.message})`);
  });
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new DataError(file, 'a data-set manifest (JSON)', `invalid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new DataError(file, 'a JSON object', JSON.stringify(v));
  return v as Json;
}

/** The images and labels arrays of one split, with the file each came from. */
async function splitArrays(file: string, base: string, entry: unknown, which: string): Promise<{ images: [string, NpyArray]; labels: [string, NpyArray] }> {
  if (typeof entry === 'string') {
    const path = resolve(base, entry);
    const arrays = await readNpz(path);
    for (const k of ['images', 'labels']) if (!arrays[k]) throw new DataError(path, `arrays 'images' and 'labels'`, `${Object.keys(arrays).join(', ') || 'no arrays'}`);
    return { images: [`${path}:images`, arrays.images], labels: [`${path}:labels`, arrays.labels] };
  }
  const e = entry as Json | undefined;
  if (!e || typeof e.images !== 'string' || typeof e.labels !== 'string') {
    throw new DataError(file, `"${which}": an .npz file name or { "images": "….npy", "labels": "….npy" }`, JSON.stringify(entry));
  }
  const [ip, lp] = [resolve(base, e.images), resolve(base, e.labels)];
  return { images: [ip, await readNpy(ip)], labels: [lp, await readNpy(lp)] };
}

/** uint8 images as N × C·H·W CHW bytes, and their shape. */
function chwImages(file: string, a: NpyArray, layout: unknown): { images: Uint8Array; c: number; h: number; w: number } {
  if (a.descr !== '|u1' && a.descr !== '<u1') throw new DataError(file, 'uint8 images (dtype |u1)', `dtype ${a.descr}`);
  const s = a.shape;
  if (s.length === 3) return { images: a.data, c: 1, h: s[1], w: s[2] };
  if (s.length !== 4) throw new DataError(file, 'images of shape N×H×W×C, N×C×H×W or N×H×W', `shape (${s.join(', ')})`);
  const nhwc = layout === 'NHWC' || (layout === undefined && s[3] <= 4 && s[1] > 4);
  const nchw = layout === 'NCHW' || (layout === undefined && s[1] <= 4 && s[3] > 4);
  if (layout !== undefined && layout !== 'NHWC' && layout !== 'NCHW') throw new DataError(file, '"layout" NHWC or NCHW', JSON.stringify(layout));
  if (!nhwc && !nchw) throw new DataError(file, 'a shape whose channel axis (1 to 4 channels) is clear; set "layout": "NHWC" or "NCHW" in the manifest', `shape (${s.join(', ')})`);
  if (nchw) return { images: a.data, c: s[1], h: s[2], w: s[3] };
  const [n, h, w, c] = s;
  const out = new Uint8Array(a.data.length);
  const plane = h * w;
  for (let i = 0; i < n; i++) {
    const o = i * c * plane;
    for (let p = 0; p < plane; p++) for (let k = 0; k < c; k++) out[o + k * plane + p] = a.data[o + p * c + k];
  }
  return { images: out, c, h, w };
}

/** Per-channel mean and std of the training images (pixel values / 255, population std). */
function computeNorm(images: Uint8Array, c: number, plane: number): { mean: number[]; std: number[] } {
  const sum = new Float64Array(c), sq = new Float64Array(c);
  const n = images.length / (c * plane);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) {
      const o = (i * c + k) * plane;
      for (let p = 0; p < plane; p++) {
        const v = images[o + p] / 255;
        sum[k] += v;
        sq[k] += v * v;
      }
    }
  }
  const count = n * plane;
  const mean = Array.from(sum, (s) => s / count);
  return { mean: mean.map((m) => Number(m.toFixed(4))), std: Array.from(sq, (q, k) => Number(Math.sqrt(Math.max(q / count - mean[k] ** 2, 0)).toFixed(4))) };
}

function normValues(file: string, key: string, v: unknown, channels: number, computed: () => number[]): number[] {
  if (v === 'compute' || v === undefined) return computed();
  if (!Array.isArray(v) || v.length !== channels || v.some((x) => typeof x !== 'number' || !Number.isFinite(x) || (key === 'std' && !(x > 0)))) {
    throw new DataError(file, `"${key}": ${channels} number${channels > 1 ? 's' : ''} (one per channel${key === 'std' ? ', each > 0' : ''}) or "compute"`, JSON.stringify(v));
  }
  return v as number[];
}

/** Reads the manifest and its arrays, checking everything against everything; throws DataError naming the file. */
export async function loadManifest(file: string): Promise<Dataset> {
  const m = await readManifest(file);
  const base = dirname(resolve(file));
  const name = m.name ?? 'custom';
  if (typeof name !== 'string' || !/^[\w.-]+$/.test(name)) throw new DataError(file, '"name": letters, digits, ".", "_" or "-"', JSON.stringify(name));
  const classes = m.classes;
  const classNames = typeof classes === 'number' && Number.isInteger(classes) && classes >= 1 ? Array.from({ length: classes }, (_, i) => String(i))
    : Array.isArray(classes) && classes.length > 0 && classes.every((c) => typeof c === 'string') ? (classes as string[]) : null;
  if (!classNames) throw new DataError(file, '"classes": the class names (a list of strings) or their count', JSON.stringify(classes));
  const aug = (m.augment ?? { pad: 0, flip: false }) as Json;
  if (!Number.isInteger(aug.pad) || (aug.pad as number) < 0 || (aug.pad as number) > 16 || typeof aug.flip !== 'boolean') {
    throw new DataError(file, '"augment": { "pad": 0–16, "flip": true or false }', JSON.stringify(m.augment));
  }
  const splits: Record<string, Split & { c: number; h: number; w: number }> = {};
  for (const which of ['train', 'test']) {
    const { images: [ifile, ia], labels: [lfile, la] } = await splitArrays(file, base, m[which], which);
    const img = chwImages(ifile, ia, m.layout);
    if (la.shape.length !== 1 && !(la.shape.length === 2 && la.shape[1] === 1)) throw new DataError(lfile, 'labels of shape (N,)', `shape (${la.shape.join(', ')})`);
    const n = ia.shape[0];
    if (la.shape[0] !== n) throw new DataError(lfile, `${n} labels (one per image of ${ifile})`, `${la.shape[0]}`);
    if (n === 0) throw new DataError(ifile, 'at least one image', 'none');
    splits[which] = { ...img, labels: checkedLabels(lfile, integerValues(lfile, la), classNames.length) };
  }
  const { train, test } = splits;
  if (train.c !== test.c || train.h !== test.h || train.w !== test.w) {
    throw new DataError(file, `test images of the training images' shape ${train.c}×${train.h}×${train.w}`, `${test.c}×${test.h}×${test.w}`);
  }
  if (train.c > 4 || train.w % 4 !== 0) throw new DataError(file, 'images of at most 4 channels and a width that is a multiple of 4 (the augmentation kernel reads whole words)', `${train.c}×${train.h}×${train.w}`);
  let norm: { mean: number[]; std: number[] } | undefined;
  const computed = (k: 'mean' | 'std') => (norm ??= computeNorm(train.images, train.c, train.h * train.w))[k];
  const spec: DatasetSpec = {
    name, title: typeof m.title === 'string' ? m.title : name, channels: train.c, height: train.h, width: train.w, classNames,
    trainSize: train.labels.length, testSize: test.labels.length,
    mean: normValues(file, 'mean', m.mean, train.c, () => computed('mean')),
    std: normValues(file, 'std', m.std, train.c, () => computed('std')),
    augment: { pad: aug.pad as number, flip: aug.flip as boolean },
  };
  return { spec, train: { images: train.images, labels: train.labels }, test: { images: test.images, labels: test.labels }, dir: file };
}

/** A manifest as a descriptor: its numbers are known once it is loaded (until then, a placeholder spec named after the file). */
export function manifestDescriptor(file: string): DatasetDescriptor {
  return {
    name: file, title: file, channels: 0, height: 0, width: 0, classNames: [], trainSize: 0, testSize: 0, mean: [], std: [], augment: { pad: 0, flip: false },
    sources: file,
    load: () => loadManifest(file),
  };
}
