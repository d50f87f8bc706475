/** Small files in the real formats of Fashion-MNIST (IDX), CIFAR-100 (binary) and NumPy (.npy/.npz), made by the tests. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { COARSE_NAMES, FINE_NAMES } from '../../src/data/datasets/cifar100.ts';

/** An unsigned-byte IDX file: magic 0x000008<ndim>, big-endian dims, the bytes. */
export function idx(dims: number[], data: Uint8Array, magic = 0x800 | dims.length): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const v = new DataView(header.buffer);
  v.setUint32(0, magic, false);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  return Uint8Array.from([...header, ...data]);
}

/** Image k's pixel p is (k·7 + p) mod 256; label k is k mod 10. */
export const pixels = (n: number, size: number) => Uint8Array.from({ length: n * size }, (_, i) => (Math.floor(i / size) * 7 + (i % size)) % 256);
export const labels = (n: number, classes = 10) => Uint8Array.from({ length: n }, (_, i) => i % classes);

export const FMNIST_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];

/** The four Fashion-MNIST files (gzipped) for `train` + `test` images of 28×28. */
export async function writeFashionMnistDir(dir: string, train = 12, test = 5): Promise<void> {
  await mkdir(dir, { recursive: true });
  const files = [idx([train, 28, 28], pixels(train, 784)), idx([train], labels(train)), idx([test, 28, 28], pixels(test, 784)), idx([test], labels(test))];
  await Promise.all(files.map((b, i) => writeFile(join(dir, `${FMNIST_FILES[i]}.gz`), gzipSync(b))));
}

/** A cifar-100-binary folder: records of coarse byte, fine byte, 3072 pixels. */
export async function writeCifar100Dir(dir: string, train = 6, test = 4, fine = (i: number) => (i * 37) % 100): Promise<void> {
  await mkdir(dir, { recursive: true });
  const records = (n: number) => {
    const out = new Uint8Array(n * 3074);
    const px = pixels(n, 3072);
    for (let i = 0; i < n; i++) {
      out[i * 3074] = Math.floor(fine(i) / 5) % 20;
      out[i * 3074 + 1] = fine(i);
      out.set(px.subarray(i * 3072, (i + 1) * 3072), i * 3074 + 2);
    }
    return out;
  };
  await writeFile(join(dir, 'train.bin'), records(train));
  await writeFile(join(dir, 'test.bin'), records(test));
  await writeFile(join(dir, 'fine_label_names.txt'), FINE_NAMES.join('\n') + '\n');
  await writeFile(join(dir, 'coarse_label_names.txt'), COARSE_NAMES.join('\n') + '\n');
}

/** A .npy file (format 1.0) of `descr` ('|u1', '<i8', …) with `shape` holding `data` (raw little-endian bytes). */
export function npy(descr: string, shape: number[], data: Uint8Array): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const pre = new Uint8Array(10);
  pre.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(pre.buffer).setUint16(8, header.length, true);
  return Uint8Array.from([...pre, ...new TextEncoder().encode(header), ...data]);
}

export const int64 = (values: number[]) => new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer);

export function npz(arrays: Record<string, Uint8Array>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(arrays).map(([k, v]) => [`${k}.npy`, v])));
}

/** A manifest with NHWC 8×8×3 images in train.npz / test.npz, 3 classes; `patch` overrides the manifest's keys. */
export async function writeManifestDir(dir: string, patch: Record<string, unknown> = {}, n = { train: 9, test: 6 }): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [split, count] of Object.entries(n)) {
    await writeFile(join(dir, `${split}.npz`), npz({
      images: npy('|u1', [count, 8, 8, 3], pixels(count, 192)),
      labels: npy('<i8', [count], int64(Array.from({ length: count }, (_, i) => i % 3))),
    }));
  }
  const manifest = join(dir, 'toy.json');
  await writeFile(manifest, JSON.stringify({ name: 'toy', classes: ['a', 'b', 'c'], train: 'train.npz', test: 'test.npz', mean: 'compute', std: 'compute', ...patch }));
  return manifest;
}
