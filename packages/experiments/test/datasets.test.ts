// Data sets as descriptors: Fashion-MNIST's IDX reader, CIFAR-100's binary reader (fine and coarse,
// download + md5), manifests of .npy/.npz arrays, on small files in the real formats made here;
// every kind of bad file is one DataError naming the file. The real Debian files are read when
// installed (skipped visibly otherwise).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError, DATASETS, loadManifest, locateDataFolder, resolveDataset } from '../src/data/index.ts';
import { cifar100, readCifar100Dir, cifar100Spec } from '../src/data/datasets/cifar100.ts';
import { FASHION_MNIST_SEARCH, FASHION_MNIST_SPEC, readFashionMnistDir } from '../src/data/datasets/fashion-mnist.ts';
import { FMNIST_FILES, idx, int64, labels, npy, npz, pixels, writeCifar100Dir, writeFashionMnistDir, writeManifestDir } from './helpers/datasets.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();
const SMALL_FMNIST = { ...FASHION_MNIST_SPEC, trainSize: 12, testSize: 5 };
const DEBIAN = '/usr/share/datasets/fashion-mnist';

describe('the registry', () => {
  it('knows each data set by name, with shapes, classes and normalisation that agree', () => {
    expect(Object.keys(DATASETS)).toEqual(['cifar10', 'fashion-mnist', 'cifar100', 'cifar100-coarse']);
    for (const d of Object.values(DATASETS)) {
      expect(d.mean, d.name).toHaveLength(d.channels);
      expect(d.std, d.name).toHaveLength(d.channels);
      expect(new Set(d.classNames).size, d.name).toBe(d.classNames.length);
    }
    expect(DATASETS['fashion-mnist']).toMatchObject({ channels: 1, height: 28, width: 28, trainSize: 60_000, testSize: 10_000 });
    expect(DATASETS.cifar100.classNames).toHaveLength(100);
    expect(DATASETS['cifar100-coarse'].classNames).toHaveLength(20);
    expect(() => resolveDataset('mnist')).toThrow(/unknown dataset "mnist" \(known: cifar10, fashion-mnist, cifar100, cifar100-coarse; or a manifest/);
  });
});

describe('Fashion-MNIST (IDX files)', () => {
  it('reads gzipped IDX files: 1×28×28 images as stored, labels', async () => {
    const dir = await tmp();
    await writeFashionMnistDir(dir);
    const d = await readFashionMnistDir(dir, SMALL_FMNIST);
    expect(d.train.images).toEqual(pixels(12, 784));
    expect(Array.from(d.train.labels)).toEqual(Array.from(labels(12)));
    expect(d.test.images.length).toBe(5 * 784);
    expect(d.spec.classNames[9]).toBe('Ankle boot');
  });

  it('--data-dir may be the folder above (holding fashion-mnist/); uncompressed files too', async () => {
    const root = await tmp();
    const dir = join(root, 'fashion-mnist');
    await writeFashionMnistDir(dir);
    for (const f of FMNIST_FILES) {
      const { gunzipSync } = await import('node:zlib');
      await writeFile(join(dir, f), gunzipSync(await readFile(join(dir, `${f}.gz`))));
      await rm(join(dir, `${f}.gz`));
    }
    expect(await locateDataFolder(FASHION_MNIST_SEARCH, { dataDir: root })).toBe(dir);
    expect((await readFashionMnistDir(dir, SMALL_FMNIST)).train.labels.length).toBe(12);
  });

  const bad: [string, (dir: string) => Promise<unknown>, RegExp][] = [
    ['a missing file', (d) => rm(join(d, 't10k-labels-idx1-ubyte.gz')), /t10k-labels-idx1-ubyte: expected a readable file, found no such file/],
    ['a truncated gzip file', async (d) => {
      const f = join(d, 'train-images-idx3-ubyte.gz');
      const b = await readFile(f);
      await writeFile(f, b.subarray(0, b.length >> 1));
    }, /train-images-idx3-ubyte\.gz: expected a complete gzip file, found it does not decompress .*truncated/],
    ['a truncated IDX file', (d) => writeFile(join(d, 'train-images-idx3-ubyte.gz'), gzipSync(idx([12, 28, 28], pixels(12, 784)).subarray(0, 1000))),
      /train-images-idx3-ubyte\.gz: expected 9,424 bytes .*found 1,000 bytes/],
    ['a wrong magic number', (d) => writeFile(join(d, 'train-labels-idx1-ubyte.gz'), gzipSync(idx([12], labels(12), 0x0803))),
      /train-labels-idx1-ubyte\.gz: expected magic 0x00000801 \(unsigned bytes, 1 dimension\), found magic 0x00000803/],
    ['images of another size', (d) => writeFile(join(d, 't10k-images-idx3-ubyte.gz'), gzipSync(idx([5, 32, 32], pixels(5, 1024)))),
      /t10k-images-idx3-ubyte\.gz: expected dimensions 5×28×28, found dimensions 5×32×32/],
    ['another image count', (d) => writeFile(join(d, 'train-labels-idx1-ubyte.gz'), gzipSync(idx([11], labels(11)))),
      /train-labels-idx1-ubyte\.gz: expected dimensions 12, found dimensions 11/],
    ['a label outside the 10 classes', (d) => writeFile(join(d, 'train-labels-idx1-ubyte.gz'), gzipSync(idx([12], Uint8Array.from([...labels(11), 10])))),
      /train-labels-idx1-ubyte\.gz: expected labels 0–9 \(10 classes\), found label 10 at index 11/],
  ];
  it.each(bad)('%s: one DataError naming the file', async (_name, spoil, msg) => {
    const dir = await tmp();
    await writeFashionMnistDir(dir);
    await spoil(dir);
    const e = await readFashionMnistDir(dir, SMALL_FMNIST).catch((x) => x);
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(msg);
    expect(e.message.split('\n')).toHaveLength(1);
  });

  it('an explicit folder without the files says which are missing', async () => {
    const dir = await tmp();
    await expect(locateDataFolder(FASHION_MNIST_SEARCH, { dataDir: dir })).rejects.toThrow(/expected the Fashion-MNIST files .* as given by --data-dir, found none of them/);
  });

  if (!existsSync(DEBIAN)) console.warn(`[experiments] real Fashion-MNIST check skipped: no ${DEBIAN} (apt-get install dataset-fashion-mnist, or bash scripts/setup.sh)`);
  it.skipIf(!existsSync(DEBIAN))("Debian's real files: 60,000 + 10,000 images, 6,000 and 1,000 of each class", async () => {
    const d = await DATASETS['fashion-mnist'].load({ env: {} });
    expect(d.dir).toBe(DEBIAN);
    expect(d.train.images.length).toBe(60_000 * 784);
    const count = (l: ArrayLike<number>) => Array.from({ length: 10 }, (_, c) => Array.prototype.filter.call(l, (x: number) => x === c).length);
    expect(count(d.train.labels)).toEqual(new Array(10).fill(6000));
    expect(count(d.test.labels)).toEqual(new Array(10).fill(1000));
    // The descriptor's normalisation is the training set's own statistics.
    let s = 0, q = 0;
    for (const v of d.train.images) (s += v / 255), (q += (v / 255) ** 2);
    const n = d.train.images.length;
    expect(s / n).toBeCloseTo(FASHION_MNIST_SPEC.mean[0], 3);
    expect(Math.sqrt(q / n - (s / n) ** 2)).toBeCloseTo(FASHION_MNIST_SPEC.std[0], 3);
  });
});

describe('CIFAR-100 (binary)', () => {
  const small = cifar100Spec('fine', { trainSize: 6, testSize: 4 });
  it('fine labels by default, the 20 superclasses with cifar100-coarse; images with both label bytes stripped', async () => {
    const dir = await tmp();
    await writeCifar100Dir(dir);
    const fine = await readCifar100Dir(dir, small);
    expect(Array.from(fine.train.labels)).toEqual([0, 37, 74, 11, 48, 85]);
    expect(fine.train.images).toEqual(pixels(6, 3072));
    expect(fine.spec.classNames).toHaveLength(100);
    const coarse = await readCifar100Dir(dir, cifar100Spec('coarse', { trainSize: 6, testSize: 4 }), 'coarse');
    expect(Array.from(coarse.train.labels)).toEqual([0, 7, 14, 2, 9, 17]);
    expect(coarse.spec).toMatchObject({ name: 'cifar100-coarse', classNames: expect.arrayContaining(['vehicles_2']) });
    expect(coarse.spec.classNames).toHaveLength(20);
  });

  const bad: [string, (dir: string) => Promise<unknown>, RegExp][] = [
    ['a missing file', (d) => rm(join(d, 'test.bin')), /test\.bin: expected a file of 12,296 bytes, found no such file/],
    ['a truncated file', async (d) => writeFile(join(d, 'train.bin'), (await readFile(join(d, 'train.bin'))).subarray(0, 5000)),
      /train\.bin: expected 18,444 bytes \(6 records of 3074\), found 5,000 bytes/],
    ['a fine label outside the 100 classes', async (d) => {
      const b = await readFile(join(d, 'train.bin'));
      b[3074 * 2 + 1] = 100;
      await writeFile(join(d, 'train.bin'), b);
    }, /train\.bin: expected labels 0–99 \(100 classes\), found label 100 at record 2/],
    ['class names of another data set', (d) => writeFile(join(d, 'fine_label_names.txt'), 'airplane\n'), /fine_label_names\.txt: expected 100 class names, found 1/],
  ];
  it.each(bad)('%s: one DataError naming the file', async (_name, spoil, msg) => {
    const dir = await tmp();
    await writeCifar100Dir(dir);
    await spoil(dir);
    await expect(readCifar100Dir(dir, small)).rejects.toThrow(msg);
  });

  describe('download into the cache, md5 checked', () => {
    let server: Server;
    let base = '';
    const files: Record<string, Uint8Array> = {};
    beforeAll(async () => {
      const { mkdtemp } = await import('node:fs/promises');
      const { tmpdir } = await import('node:os');
      const root = await mkdtemp(join(tmpdir(), 'losslab-c100-'));
      await writeCifar100Dir(join(root, 'cifar-100-binary'));
      await tar.c({ gzip: true, file: join(root, 'a.tar.gz'), cwd: root }, ['cifar-100-binary']);
      files['/c100.tar.gz'] = new Uint8Array(await readFile(join(root, 'a.tar.gz')));
      await rm(root, { recursive: true, force: true });
      server = createServer((req, res) => {
        const body = files[req.url ?? ''];
        if (!body) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-length': String(body.length) }).end(Buffer.from(body));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('downloads, checks and reads; a wrong md5 leaves nothing behind', async () => {
      const cache = await tmp();
      const md5 = createHash('md5').update(files['/c100.tar.gz']).digest('hex');
      const d = cifar100('fine', { trainSize: 6, testSize: 4 });
      const bad = await d.load({ env: { LOSSLAB_CACHE: cache }, url: `${base}/c100.tar.gz`, md5: '0'.repeat(32) }).catch((x) => x);
      expect(bad).toBeInstanceOf(DataError);
      expect(bad.message).toMatch(/expected md5 0{32}, found md5 [0-9a-f]{32}/);
      expect(existsSync(join(cache, 'cifar-100-binary'))).toBe(false);
      const got = await d.load({ env: { LOSSLAB_CACHE: cache }, url: `${base}/c100.tar.gz`, md5 });
      expect(got.dir).toBe(join(cache, 'cifar-100-binary'));
      expect(got.train.labels.length).toBe(6);
      // Found in the cache the next time, no download.
      expect((await d.load({ env: { LOSSLAB_CACHE: cache }, url: `${base}/missing` })).dir).toBe(got.dir);
    });
  });
});

describe('your own arrays (manifest + .npy/.npz)', () => {
  it('NHWC .npz arrays become CHW images; mean and std computed from the training set', async () => {
    const d = await loadManifest(await writeManifestDir(await tmp()));
    expect(d.spec).toMatchObject({ name: 'toy', channels: 3, height: 8, width: 8, classNames: ['a', 'b', 'c'], trainSize: 9, testSize: 6, augment: { pad: 0, flip: false } });
    const px = pixels(9, 192);
    // image 0: pixel p's channel c is byte p·3 + c of the NHWC array
    expect(d.train.images[64 + 5]).toBe(px[5 * 3 + 1]);
    expect(Array.from(d.train.labels)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
    const red = Array.from({ length: 9 * 64 }, (_, i) => px[Math.floor(i / 64) * 192 + (i % 64) * 3] / 255);
    const mean = red.reduce((a, b) => a + b, 0) / red.length;
    expect(d.spec.mean[0]).toBeCloseTo(mean, 4);
    expect(d.spec.std[0]).toBeCloseTo(Math.sqrt(red.reduce((a, b) => a + (b - mean) ** 2, 0) / red.length), 4);
  });

  it('.npy files, N×C×H×W or N×H×W (one channel), given mean/std and a class count', async () => {
    const dir = await tmp();
    await writeFile(join(dir, 'xtr.npy'), npy('|u1', [4, 1, 4, 8], pixels(4, 32)));
    await writeFile(join(dir, 'ytr.npy'), npy('<u1', [4], Uint8Array.of(0, 1, 1, 0)));
    await writeFile(join(dir, 'xte.npy'), npy('|u1', [2, 4, 8], pixels(2, 32)));
    await writeFile(join(dir, 'yte.npy'), npy('<i4', [2], new Uint8Array(Int32Array.of(1, 0).buffer)));
    await writeFile(join(dir, 'm.json'), JSON.stringify({ name: 'tiny', classes: 2, train: { images: 'xtr.npy', labels: 'ytr.npy' }, test: { images: 'xte.npy', labels: 'yte.npy' }, mean: [0.5], std: [0.25], augment: { pad: 1, flip: true } }));
    const d = await loadManifest(join(dir, 'm.json'));
    expect(d.spec).toMatchObject({ channels: 1, height: 4, width: 8, classNames: ['0', '1'], mean: [0.5], std: [0.25], augment: { pad: 1, flip: true } });
    expect(d.test.images).toEqual(pixels(2, 32));
  });

  const f32 = (n: number) => new Uint8Array(new Float32Array(n).buffer);
  const bad: [string, Record<string, unknown>, ((dir: string) => Promise<unknown>) | null, RegExp][] = [
    ['a missing file', {}, (d) => rm(join(d, 'test.npz')), /test\.npz: expected a readable file, found no such file/],
    ['float images', {}, (d) => writeFile(join(d, 'test.npz'), npz({ images: npy('<f4', [6, 8, 8, 3], f32(6 * 192)), labels: npy('<i8', [6], int64([0, 1, 2, 0, 1, 2])) })),
      /test\.npz:images: expected uint8 images \(dtype \|u1\), found dtype <f4/],
    ['images of two dimensions', {}, (d) => writeFile(join(d, 'test.npz'), npz({ images: npy('|u1', [6, 192], pixels(6, 192)), labels: npy('<i8', [6], int64([0, 1, 2, 0, 1, 2])) })),
      /test\.npz:images: expected images of shape N×H×W×C, N×C×H×W or N×H×W, found shape \(6, 192\)/],
    ['float labels', {}, (d) => writeFile(join(d, 'test.npz'), npz({ images: npy('|u1', [6, 8, 8, 3], pixels(6, 192)), labels: npy('<f8', [6], new Uint8Array(48)) })),
      /test\.npz:labels: expected integer labels .*found dtype <f8/],
    ['fewer labels than images', {}, (d) => writeFile(join(d, 'test.npz'), npz({ images: npy('|u1', [6, 8, 8, 3], pixels(6, 192)), labels: npy('<i8', [5], int64([0, 1, 2, 0, 1])) })),
      /test\.npz:labels: expected 6 labels \(one per image of .*test\.npz:images\), found 5/],
    ['a label outside the classes', {}, (d) => writeFile(join(d, 'test.npz'), npz({ images: npy('|u1', [6, 8, 8, 3], pixels(6, 192)), labels: npy('<i8', [6], int64([0, 1, 2, 0, 1, 3])) })),
      /test\.npz:labels: expected labels 0–2 \(3 classes\), found label 3 at index 5/],
    ['a truncated .npy', {}, (d) => writeFile(join(d, 'test.npz'), npz({ images: npy('|u1', [6, 8, 8, 3], pixels(5, 192)), labels: npy('<i8', [6], int64([0, 1, 2, 0, 1, 2])) })),
      /test\.npz:images\.npy: expected 1,152 data bytes for shape \(6, 8, 8, 3\) of \|u1, found 960 bytes/],
    ['a damaged .npz', {}, async (d) => writeFile(join(d, 'test.npz'), (await readFile(join(d, 'test.npz'))).subarray(0, 100)), /test\.npz: expected an \.npz \(zip\) archive, found it does not unpack/],
    ['a mean of the wrong length', { mean: [0.5, 0.5] }, null, /toy\.json: expected "mean": 3 numbers \(one per channel\) or "compute", found \[0\.5,0\.5\]/],
    ['a std with a zero', { std: [0.2, 0, 0.2] }, null, /toy\.json: expected "std": 3 numbers \(one per channel, each > 0\) or "compute", found \[0\.2,0,0\.2\]/],
    ['no classes', { classes: [] }, null, /toy\.json: expected "classes": the class names/],
  ];
  it.each(bad)('%s: one DataError naming the file', async (_name, patch, spoil, msg) => {
    const dir = await tmp();
    const manifest = await writeManifestDir(dir, patch);
    await spoil?.(dir);
    const e = await loadManifest(manifest).catch((x) => x);
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(msg);
    expect(e.message.split('\n')).toHaveLength(1);
  });
});
