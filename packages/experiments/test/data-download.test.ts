import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError, downloadCifar10, loadCifar10, type DownloadProgress } from '../src/data/index.ts';
import { SMALL, batchBytes, writeCifarDir } from './helpers/cifar.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();
let server: Server;
let base = '';
const files: Record<string, Uint8Array> = {};
let goodMd5 = '';

async function archive(build: (dir: string) => Promise<void>): Promise<Uint8Array> {
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(join(tmpdir(), 'losslab-tgz-'));
  await build(join(dir, 'cifar-10-batches-bin'));
  const file = join(dir, 'a.tar.gz');
  await tar.c({ gzip: true, file, cwd: dir }, ['cifar-10-batches-bin']);
  return new Uint8Array(await readFile(file));
}

beforeAll(async () => {
  files['/good.tar.gz'] = await archive((d) => writeCifarDir(d));
  goodMd5 = createHash('md5').update(files['/good.tar.gz']).digest('hex');
  const corrupt = files['/good.tar.gz'].slice();
  corrupt[corrupt.length >> 1] ^= 0xff;
  files['/corrupt.tar.gz'] = corrupt;
  // A valid archive whose batch has a bad label: md5 matches (passed in), validation fails.
  files['/badlabel.tar.gz'] = await archive(async (d) => {
    await writeCifarDir(d);
    const b = batchBytes(0);
    b[0] = 42;
    await writeFile(join(d, 'data_batch_1.bin'), b);
  });
  server = createServer((req, res) => {
    if (req.url === '/short.tar.gz') {
      const body = files['/good.tar.gz'];
      res.writeHead(200, { 'content-length': String(body.length) });
      res.write(Buffer.from(body.subarray(0, 100)), () => setTimeout(() => req.socket.destroy(), 5));
      return;
    }
    const body = files[req.url ?? ''];
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': String(body.length) });
    // Two chunks, so progress reports more than once.
    res.write(Buffer.from(body.subarray(0, 1000)));
    // Long enough that a loaded machine still reads the first chunk on its own.
    setTimeout(() => res.end(Buffer.from(body.subarray(1000))), 200);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('CIFAR-10 download into the cache', () => {
  it('downloads, checks the md5, extracts and validates; reports progress', async () => {
    const cache = await tmp();
    const progress: DownloadProgress[] = [];
    const dir = await downloadCifar10(cache, { url: `${base}/good.tar.gz`, md5: goodMd5, spec: SMALL, onProgress: (p) => progress.push(p) });
    expect(dir).toBe(join(cache, 'cifar-10-batches-bin'));
    expect(await readdir(cache)).toEqual(['cifar-10-batches-bin']);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress[progress.length - 1]).toEqual({ received: files['/good.tar.gz'].length, total: files['/good.tar.gz'].length });
    // Now the cache has it: no second download.
    const d = await loadCifar10({ env: { LOSSLAB_CACHE: cache }, url: `${base}/missing`, spec: SMALL });
    expect(d.train.labels.length).toBe(35);
  });

  it('loadCifar10 downloads when no folder has the data', async () => {
    const cache = await tmp();
    const d = await loadCifar10({ env: { LOSSLAB_CACHE: cache }, url: `${base}/good.tar.gz`, md5: goodMd5, spec: SMALL });
    expect(d.dir).toBe(join(cache, 'cifar-10-batches-bin'));
  });

  it.each([
    ['a corrupted download (md5 mismatch)', '/corrupt.tar.gz', /corrupt\.tar\.gz: expected md5 [0-9a-f]{32}, found md5 [0-9a-f]{32} \(corrupted or incomplete download\)/],
    ['a truncated download', '/short.tar.gz', /short\.tar\.gz: expected \d+ bytes, found the transfer broke off after 100 bytes/],
    ['an HTTP error', '/nothing.tar.gz', /HTTP 404/],
  ])('%s leaves nothing in the cache', async (_what, path, message) => {
    const cache = await tmp();
    await expect(downloadCifar10(cache, { url: `${base}${path}`, md5: goodMd5, spec: SMALL })).rejects.toThrow(message);
    expect(await readdir(cache)).toEqual([]);
  });

  it('an archive that fails validation is not moved into the cache', async () => {
    const cache = await tmp();
    const md5 = createHash('md5').update(files['/badlabel.tar.gz']).digest('hex');
    const e = await downloadCifar10(cache, { url: `${base}/badlabel.tar.gz`, md5, spec: SMALL }).catch((x) => x);
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/data_batch_1\.bin: expected labels 0–9, found label 42/);
    expect(await readdir(cache)).toEqual([]);
  });
});
