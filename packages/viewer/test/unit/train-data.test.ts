/**
 * The page's data readers on archives and IDX files this test makes itself (the system's tar and
 * gzip, Node's md5: none of the page's own code): CIFAR-10's tar.gz unpacked, checked (member names,
 * sizes, labels, md5) and turned into the same images and labels; Fashion-MNIST's IDX files gzipped
 * or not.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CIFAR10_FILES, cifar10FromTarGz, fashionMnistFromFiles, pickedKind } from '../../src/train/data/datasets.ts';
import { FASHION_MNIST_SPEC } from '@losslab/experiments/browser';
import { tempDir } from '../helpers.ts';

const N = 3; // records per batch
const CLASSES = 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n';
const tmp = tempDir('losslab-train-data-');
afterAll(() => tmp.remove());

/** Batch k: record i has label (k + i) % 10 and pixels (k·31 + i·7 + j) % 256. */
function batch(k: number, n = N, label = (i: number) => (k + i) % 10): Buffer {
  const b = Buffer.alloc(n * 3073);
  for (let i = 0; i < n; i++) {
    b[i * 3073] = label(i);
    for (let j = 0; j < 3072; j++) b[i * 3073 + 1 + j] = (k * 31 + i * 7 + j) % 256;
  }
  return b;
}

/** A cifar-10-binary.tar.gz made with the system's tar; `edit` changes the folder before packing. */
function tarball(name: string, edit: (dir: string) => void = () => {}): { file: string; md5: string } {
  const root = join(tmp.dir, name);
  const dir = join(root, 'cifar-10-batches-bin');
  mkdirSync(dir, { recursive: true });
  [1, 2, 3, 4, 5].forEach((k) => writeFileSync(join(dir, `data_batch_${k}.bin`), batch(k)));
  writeFileSync(join(dir, 'test_batch.bin'), batch(6));
  writeFileSync(join(dir, 'batches.meta.txt'), CLASSES);
  writeFileSync(join(dir, 'readme.html'), '<p>not read</p>');
  edit(dir);
  const file = join(root, 'cifar-10-binary.tar.gz');
  execFileSync('tar', ['-czf', file, '-C', root, 'cifar-10-batches-bin']);
  return { file, md5: createHash('md5').update(readFileSync(file)).digest('hex') };
}

const blob = (file: string) => new Blob([readFileSync(file)]);

describe('CIFAR-10 from a picked cifar-10-binary.tar.gz', () => {
  it('unpacks the archive into the batches\' images (CHW) and labels, train batches in order, and reports progress', async () => {
    const { file, md5 } = tarball('ok');
    const seen: number[] = [];
    const d = await cifar10FromTarGz(blob(file), 'cifar-10-binary.tar.gz', { md5, recordsPerBatch: N, onProgress: (p) => seen.push(p.bytes) });
    expect(d.spec.name).toBe('cifar10');
    expect([d.spec.trainSize, d.spec.testSize]).toEqual([5 * N, N]);
    expect(d.train.images.length).toBe(5 * N * 3072);
    for (const [k, split, at] of [[1, d.train, 0], [3, d.train, 2 * N], [5, d.train, 4 * N], [6, d.test, 0]] as const) {
      const raw = batch(k);
      for (let i = 0; i < N; i++) {
        expect(split.labels[at + i]).toBe(raw[i * 3073]);
        expect(Buffer.from(split.images.subarray((at + i) * 3072, (at + i + 1) * 3072)).equals(raw.subarray(i * 3073 + 1, (i + 1) * 3073))).toBe(true);
      }
    }
    expect(seen.at(-1)).toBe(readFileSync(file).length);
  });

  it('checks the md5: the official one by default, so any other archive is refused, naming both', async () => {
    const { file, md5 } = tarball('md5');
    await expect(cifar10FromTarGz(blob(file), 'mine.tar.gz', { recordsPerBatch: N }))
      .rejects.toThrow(`mine.tar.gz: expected the CIFAR-10 binary archive (md5 c32a1d4ab5d03f1284b67883e8d87530), found md5 ${md5}: another file, or a damaged download`);
  });

  it('names the member and the sizes when a batch is cut short, and a missing member', async () => {
    const short = tarball('short', (dir) => writeFileSync(join(dir, 'data_batch_2.bin'), batch(2).subarray(0, 3073 * N - 5)));
    await expect(cifar10FromTarGz(blob(short.file), 'c.tar.gz', { md5: short.md5, recordsPerBatch: N }))
      .rejects.toThrow('c.tar.gz: cifar-10-batches-bin/data_batch_2.bin: expected 9,219 bytes (3 records of 3073), found 9,214 bytes');
    const gone = tarball('gone', (dir) => execFileSync('rm', [join(dir, 'test_batch.bin')]));
    await expect(cifar10FromTarGz(blob(gone.file), 'c.tar.gz', { md5: null, recordsPerBatch: N }))
      .rejects.toThrow('c.tar.gz: cifar-10-batches-bin/test_batch.bin: expected a file of 9,219 bytes, found no such file');
  });

  it('refuses a label outside 0–9 and wrong class names', async () => {
    const bad = tarball('label', (dir) => writeFileSync(join(dir, 'data_batch_4.bin'), batch(4, N, (i) => (i === 1 ? 10 : 0))));
    await expect(cifar10FromTarGz(blob(bad.file), 'c.tar.gz', { md5: null, recordsPerBatch: N }))
      .rejects.toThrow('c.tar.gz: cifar-10-batches-bin/data_batch_4.bin: expected labels 0–9, found label 10 in record 1 (byte offset 3073)');
    const names = tarball('names', (dir) => writeFileSync(join(dir, 'batches.meta.txt'), 'cat\ndog\n'));
    await expect(cifar10FromTarGz(blob(names.file), 'c.tar.gz', { md5: null, recordsPerBatch: N })).rejects.toThrow(/batches\.meta\.txt: expected the class names airplane, .*found cat, dog/);
  });

  it('says a truncated or non-gzip file cannot be unpacked', async () => {
    const { file } = tarball('cut');
    const bytes = readFileSync(file);
    await expect(cifar10FromTarGz(new Blob([bytes.subarray(0, bytes.length >> 1)]), 'cut.tar.gz', { md5: null, recordsPerBatch: N }))
      .rejects.toThrow(/^cut\.tar\.gz: expected a complete \.tar\.gz archive, found it cannot be unpacked \(.*\): truncated, damaged or not a gzipped tar$/);
    await expect(cifar10FromTarGz(new Blob(['hello']), 'x.tar.gz', { md5: null })).rejects.toThrow(/x\.tar\.gz: expected a complete \.tar\.gz archive/);
  });

  it('knows its files', () => {
    expect(CIFAR10_FILES).toEqual(['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin', 'batches.meta.txt']);
  });
});

/** An unsigned-byte IDX file. */
function idx(dims: number[], values: (i: number) => number, magic = 0x08): Buffer {
  const n = dims.reduce((a, d) => a * d, 1);
  const b = Buffer.alloc(4 + 4 * dims.length + n);
  b[2] = magic;
  b[3] = dims.length;
  dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
  for (let i = 0; i < n; i++) b[4 + 4 * dims.length + i] = values(i);
  return b;
}

describe('Fashion-MNIST from its IDX files', () => {
  const spec = { ...FASHION_MNIST_SPEC, trainSize: 4, testSize: 2 };
  const files = (gz: boolean, labels = (i: number) => i % 10) => {
    const m = new Map<string, Blob>();
    const put = (name: string, b: Buffer) => m.set(gz ? `${name}.gz` : name, new Blob([new Uint8Array(gz ? gzipSync(b) : b)]));
    put('train-images-idx3-ubyte', idx([4, 28, 28], (i) => i % 251));
    put('train-labels-idx1-ubyte', idx([4], labels));
    put('t10k-images-idx3-ubyte', idx([2, 28, 28], (i) => (i * 3) % 256));
    put('t10k-labels-idx1-ubyte', idx([2], (i) => 9 - i));
    return m;
  };

  it('reads them gzipped or not, to the same arrays', async () => {
    for (const gz of [true, false]) {
      const d = await fashionMnistFromFiles(files(gz), spec);
      expect(Array.from(d.train.labels)).toEqual([0, 1, 2, 3]);
      expect(Array.from(d.test.labels)).toEqual([9, 8]);
      expect(d.train.images.length).toBe(4 * 784);
      expect(d.train.images[800]).toBe(800 % 251);
      expect(d.test.images[100]).toBe(300 % 256);
    }
  });

  it('refuses a wrong magic number, a label outside the classes and a missing file, naming the file', async () => {
    const m = files(true);
    m.set('t10k-labels-idx1-ubyte.gz', new Blob([new Uint8Array(gzipSync(idx([2], () => 0, 0x0b)))]));
    await expect(fashionMnistFromFiles(m, spec)).rejects.toThrow('t10k-labels-idx1-ubyte.gz: expected magic 0x00000801 (unsigned bytes, 1 dimension), found magic 0x00000b01');
    await expect(fashionMnistFromFiles(files(false, (i) => (i === 2 ? 12 : 0)), spec)).rejects.toThrow('train-labels-idx1-ubyte: expected labels 0–9 (10 classes), found label 12 at index 2');
    const lack = files(true);
    lack.delete('train-images-idx3-ubyte.gz');
    await expect(fashionMnistFromFiles(lack, spec)).rejects.toThrow(/^train-images-idx3-ubyte\.gz: expected the Fashion-MNIST files .* found it was not given$/);
  });

  it('tells picked files apart', () => {
    expect(pickedKind(['cifar-10-binary.tar.gz'])).toBe('cifar10');
    expect(pickedKind(['train-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte'])).toBe('fashion-mnist');
    expect(pickedKind(['photo.png'])).toBeNull();
  });
});
