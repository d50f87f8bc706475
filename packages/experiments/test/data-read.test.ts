import { appendFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, IMAGE_BYTES, RECORD_BYTES, readCifarDir, subset, loadCifar10, locateCifar10 } from '../src/data/index.ts';
import { batchBytes, SMALL, writeCifarDir } from './helpers/cifar.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();

describe('CIFAR-10 reader', () => {
  it('reads a good folder: labels and CHW images with label bytes stripped', async () => {
    const dir = await tmp();
    await writeCifarDir(dir);
    const d = await readCifarDir(dir, SMALL);
    expect(d.train.labels.length).toBe(5 * 7);
    expect(d.train.images.length).toBe(5 * 7 * IMAGE_BYTES);
    expect(d.test.labels.length).toBe(7);
    expect(d.spec.classNames[0]).toBe('airplane');
    const raw = batchBytes(1);
    // record 2 of batch 2 (index 7 + 2 in train)
    expect(d.train.labels[9]).toBe(raw[2 * RECORD_BYTES]);
    expect(Array.from(d.train.images.subarray(9 * IMAGE_BYTES, 9 * IMAGE_BYTES + 5))).toEqual(Array.from(raw.subarray(2 * RECORD_BYTES + 1, 2 * RECORD_BYTES + 6)));
  });

  it('names the file, the expected and the found size of a truncated batch', async () => {
    const dir = await tmp();
    await writeCifarDir(dir);
    await writeFile(join(dir, 'data_batch_3.bin'), batchBytes(2).subarray(0, 100));
    const e = await readCifarDir(dir, SMALL).catch((x) => x);
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/data_batch_3\.bin: expected 21,511 bytes .* found 100 bytes/);
  });

  it('the official size is 30,730,000 bytes per batch', async () => {
    const dir = await tmp();
    await writeCifarDir(dir);
    await expect(readCifarDir(dir)).rejects.toThrow(/data_batch_1\.bin: expected 30,730,000 bytes/);
  });

  it('rejects a label outside 0–9 with its record', async () => {
    const dir = await tmp();
    await writeCifarDir(dir);
    const bad = batchBytes(5);
    bad[3 * RECORD_BYTES] = 10;
    await writeFile(join(dir, 'test_batch.bin'), bad);
    await expect(readCifarDir(dir, SMALL)).rejects.toThrow(/test_batch\.bin: expected labels 0–9, found label 10 in record 3/);
  });

  it('names a missing file and bad class names', async () => {
    const dir = await tmp();
    await writeCifarDir(dir);
    await rm(join(dir, 'data_batch_5.bin'));
    await expect(readCifarDir(dir, SMALL)).rejects.toThrow(/data_batch_5\.bin: expected .* found no such file/);
    await appendFile(join(dir, 'batches.meta.txt'), 'unicorn\n');
    await expect(readCifarDir(dir, SMALL)).rejects.toThrow(/batches\.meta\.txt: expected the class names airplane.*found .*unicorn/);
  });

  it('finds the data: --data-dir, then CIFAR10_DIR, then the cache; explicit folders must hold it', async () => {
    const [a, b, cache] = [await tmp(), await tmp(), await tmp()];
    await writeCifarDir(a);
    await writeCifarDir(join(b, 'cifar-10-batches-bin'));
    await writeCifarDir(join(cache, 'cifar-10-batches-bin'));
    const env = { CIFAR10_DIR: b, LOSSLAB_CACHE: cache };
    expect(await locateCifar10({ dataDir: a, env })).toBe(a);
    expect(await locateCifar10({ env })).toBe(join(b, 'cifar-10-batches-bin'));
    expect(await locateCifar10({ env: { LOSSLAB_CACHE: cache } })).toBe(join(cache, 'cifar-10-batches-bin'));
    await expect(locateCifar10({ dataDir: cache + '/nope', env })).rejects.toThrow(/nope: expected the CIFAR-10 binary files .* --data-dir/);
    await expect(locateCifar10({ env: { LOSSLAB_CACHE: a + '/empty' }, offline: true })).rejects.toThrow(DataError);
  });

  it('subset is seeded and keeps image/label pairs together', async () => {
    const dir = await tmp();
    await writeCifarDir(dir);
    const d = await loadCifar10({ dataDir: dir, spec: SMALL });
    const s1 = subset(d.train, 10, 3);
    const s2 = subset(d.train, 10, 3);
    expect(s1.labels).toEqual(s2.labels);
    expect(s1.images).toEqual(s2.images);
    expect(subset(d.train, 10, 4).labels).not.toEqual(s1.labels);
    for (let i = 0; i < 10; i++) {
      const img = s1.images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES);
      const src = [...Array(35).keys()].find((k) => d.train.images.subarray(k * IMAGE_BYTES, (k + 1) * IMAGE_BYTES).every((v, j) => v === img[j]));
      expect(d.train.labels[src!]).toBe(s1.labels[i]);
    }
    expect(() => subset(d.train, 36, 0)).toThrow(RangeError);
  });
});

if (!process.env.CIFAR10_DIR) console.warn('data-read: reading the real CIFAR-10 SKIPPED — set CIFAR10_DIR to the cifar-10-batches-bin folder');
describe.skipIf(!process.env.CIFAR10_DIR)('the real CIFAR-10 (CIFAR10_DIR)', () => {
  it('reads and validates all 60,000 images', async () => {
    const d = await loadCifar10({ dataDir: process.env.CIFAR10_DIR });
    expect(d.train.labels.length).toBe(50_000);
    expect(d.test.labels.length).toBe(10_000);
    const counts = new Array(10).fill(0);
    for (const l of d.test.labels) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(1000));
  }, 60_000);
});
