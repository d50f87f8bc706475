/**
 * The data sets `losslab view` found, served read-only for the Train page at /datasets/<name>/:
 * exactly the files named for each data set, nothing else in or out of its folder.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewer, type Viewer } from '../src/server/index.ts';
import { copyFixture, rawGet, tempDir } from './helpers.ts';

describe('viewer server: data sets for the Train page', () => {
  const tmp = tempDir();
  let viewer: Viewer;

  beforeAll(async () => {
    const app = join(tmp.dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'index.html'), '<!doctype html><title>app</title>');
    copyFixture(join(tmp.dir, 'results'));
    const data = join(tmp.dir, 'cache', 'cifar-10-batches-bin');
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'test_batch.bin'), Buffer.alloc(3073, 7));
    writeFileSync(join(data, 'batches.meta.txt'), 'airplane\n');
    writeFileSync(join(data, 'notes.txt'), 'not a data set file');
    writeFileSync(join(tmp.dir, 'cache', 'secret.txt'), 'SECRET');
    symlinkSync(join(tmp.dir, 'cache', 'secret.txt'), join(data, 'data_batch_1.bin')); // a named file that links outside
    viewer = await startViewer({
      resultsDir: join(tmp.dir, 'results'), appDir: app, port: 0,
      datasets: [{ name: 'cifar10', dir: data, files: ['data_batch_1.bin', 'test_batch.bin', 'batches.meta.txt', 'data_batch_2.bin'] }],
    });
  });
  afterAll(async () => {
    await viewer?.close();
    tmp.remove();
  });

  it('lists the data sets and the files present, and serves them as data', async () => {
    const list = JSON.parse((await rawGet(viewer.url, '/api/datasets')).body);
    expect(list).toEqual({ datasets: [{ name: 'cifar10', files: [{ name: 'test_batch.bin', size: 3073 }, { name: 'batches.meta.txt', size: 9 }] }] });
    const r = await rawGet(viewer.url, '/datasets/cifar10/batches.meta.txt');
    expect(r.status).toBe(200);
    expect(r.body).toBe('airplane\n');
    expect(r.headers['content-type']).toBe('application/octet-stream');
    expect(r.headers['content-security-policy']).toMatch(/sandbox/);
    expect((await rawGet(viewer.url, '/datasets/cifar10/test_batch.bin')).body.length).toBe(3073);
  });

  it('refuses anything else: other files of the folder, links out, traversal, other data sets, writes', async () => {
    const status = async (p: string) => (await rawGet(viewer.url, p)).status;
    expect(await status('/datasets/cifar10/notes.txt')).toBe(404);
    expect(await status('/datasets/cifar10/data_batch_2.bin')).toBe(404); // named, but not there
    expect(await status('/datasets/cifar10/data_batch_1.bin')).toBe(403); // links outside the folder
    expect((await rawGet(viewer.url, '/datasets/cifar10/data_batch_1.bin')).body).not.toContain('SECRET');
    for (const p of ['/datasets/cifar10/../secret.txt', '/datasets/cifar10/%2e%2e/secret.txt', '/datasets/cifar10/..%2fsecret.txt', '/datasets/%2e%2e/cache/secret.txt', '/datasets/cifar10/a/../../secret.txt']) {
      expect(await status(p), p).toBe(403);
    }
    expect(await status('/datasets/cifar100/train.bin')).toBe(404);
    expect(await status('/datasets/cifar10')).toBe(404);
    expect(await status('/datasets/')).toBe(404);
    expect(await status('/datasets/cifar10/test_batch.bin/x')).toBe(404);
    const put = await fetch(`${viewer.url}datasets/cifar10/test_batch.bin`, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(405);
  });

  it('serves no data set when given none', async () => {
    const other = await startViewer({ resultsDir: join(tmp.dir, 'results'), appDir: join(tmp.dir, 'app'), port: 0 });
    try {
      expect(JSON.parse((await rawGet(other.url, '/api/datasets')).body)).toEqual({ datasets: [] });
      expect((await rawGet(other.url, '/datasets/cifar10/test_batch.bin')).status).toBe(404);
    } finally {
      await other.close();
    }
  });
});
