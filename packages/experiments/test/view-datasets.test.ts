/** `losslab view` serves the data sets found where `losslab run` finds them (no download), each with only its own files. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { servedDatasets } from '../src/commands/view.ts';

describe('losslab view: data sets for the Train page', () => {
  const root = mkdtempSync(join(tmpdir(), 'losslab-view-data-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const cifar = join(root, 'cifar');
  mkdirSync(cifar);
  for (const f of ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin', 'batches.meta.txt']) writeFileSync(join(cifar, f), '');
  const fashion = join(root, 'fashion');
  mkdirSync(fashion);
  for (const f of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte.gz']) writeFileSync(join(fashion, f), '');

  it('finds CIFAR-10 and Fashion-MNIST through their variables and names their files', async () => {
    const got = await servedDatasets({ LOSSLAB_CACHE: join(root, 'empty-cache'), CIFAR10_DIR: cifar, FASHION_MNIST_DIR: fashion });
    expect(got.map((d) => [d.name, d.dir])).toEqual([['cifar10', cifar], ['fashion-mnist', fashion]]);
    expect(got[0].files).toEqual(['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin', 'batches.meta.txt']);
    expect(got[1].files).toContain('t10k-images-idx3-ubyte');
    expect(got[1].files).toContain('train-images-idx3-ubyte.gz');
  });

  it('finds CIFAR-10 in the cache, and never downloads one that is nowhere', async () => {
    const cache = join(root, 'cache');
    mkdirSync(join(cache, 'cifar-10-batches-bin'), { recursive: true });
    expect((await servedDatasets({ LOSSLAB_CACHE: join(root, 'nothing') })).map((d) => d.name)).not.toContain('cifar10');
    for (const f of ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin', 'batches.meta.txt']) writeFileSync(join(cache, 'cifar-10-batches-bin', f), '');
    const got = await servedDatasets({ LOSSLAB_CACHE: cache });
    expect(got.find((d) => d.name === 'cifar10')?.dir).toBe(join(cache, 'cifar-10-batches-bin'));
  });
});
