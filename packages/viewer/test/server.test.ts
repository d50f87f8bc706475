import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewer, type Viewer } from '../src/server/index.ts';
import { safeSegments } from '../src/server/safe-path.ts';
import { copyFixture, rawGet, tempDir } from './helpers.ts';

describe('safeSegments', () => {
  it('refuses traversal in every spelling', () => {
    for (const p of ['/../x', '/a/../../x', '/%2e%2e/x', '/%2E%2E/x', '/.%2e/x', '/a%2f..%2f..%2fx', '/a%5c..%5cx', '/%00', '/%E0%A4%A', '/C:/x']) {
      expect(safeSegments(p), p).toBeNull();
    }
    expect(safeSegments('/seed_0/CE_results.csv')).toEqual(['seed_0', 'CE_results.csv']);
    expect(safeSegments('/a%20b/./c')).toEqual(['a b', 'c']);
  });
});

describe('viewer server', () => {
  const tmp = tempDir();
  let viewer: Viewer;

  beforeAll(async () => {
    const results = join(tmp.dir, 'results');
    const app = join(tmp.dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'index.html'), '<!doctype html><title>app</title>');
    copyFixture(join(results, 'study'));
    writeFileSync(join(tmp.dir, 'secret.txt'), 'SECRET');
    symlinkSync(join(tmp.dir, 'secret.txt'), join(results, 'study', 'leak.txt'));
    symlinkSync(tmp.dir, join(results, 'study', 'up'));
    symlinkSync(join(results, 'study', 'summary.md'), join(results, 'study', 'inside-link.md'));
    viewer = await startViewer({ resultsDir: results, appDir: app, port: 0 });
  });
  afterAll(async () => {
    await viewer?.close();
    tmp.remove();
  });

  it('listens on 127.0.0.1 and serves the app and the study list', async () => {
    expect(viewer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await rawGet(viewer.url, '/')).body).toContain('<title>app</title>');
    const list = await rawGet(viewer.url, '/api/studies');
    expect(JSON.parse(list.body)).toEqual({ studies: ['study'] });
  });

  it('serves results read-only without caching', async () => {
    const r = await rawGet(viewer.url, '/results/study/study.json');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/application\/json/);
    expect(r.headers['cache-control']).toMatch(/no-store/);
    expect(JSON.parse(r.body).name).toBe('fixture');
    expect((await rawGet(viewer.url, '/results/study/seed_0/CE_results.csv')).headers['content-type']).toMatch(/text\/csv/);
    expect((await rawGet(viewer.url, '/results/study/inside-link.md')).status).toBe(200);
  });

  it('refuses every path out of the results folder', async () => {
    const attempts = ['/results/../secret.txt', '/results/study/../../secret.txt', '/results/%2e%2e/secret.txt', '/results/%2E%2E/%2e%2e/secret.txt',
      '/results/study/..%2f..%2fsecret.txt', '/results/..%5csecret.txt', `/results/${encodeURIComponent(join(tmp.dir, 'secret.txt'))}`,
      `/results/${join(tmp.dir, 'secret.txt')}`, '/results/study/leak.txt', '/results/study/up/secret.txt', '/../secret.txt', '/%2e%2e/secret.txt',
      '/results/study/seed_0', '/results/nothing.json'];
    for (const path of attempts) {
      const r = await rawGet(viewer.url, path);
      expect([403, 404], `${path} → ${r.status}`).toContain(r.status);
      expect(r.body).not.toContain('SECRET');
    }
    expect((await rawGet(viewer.url, '/results/study/leak.txt')).status).toBe(403);
    // Not starting with '/': Node's own parser answers 400 before the handler runs.
    expect([400, 403]).toContain((await rawGet(viewer.url, 'secret.txt')).status);
  });

  it('answers only requests addressed to it', async () => {
    expect((await rawGet(viewer.url, '/api/studies', { Host: 'evil.example:80' })).status).toBe(403);
  });

  it('fails clearly on a missing results folder', async () => {
    await expect(startViewer({ resultsDir: join(tmp.dir, 'nope'), appDir: join(tmp.dir, 'app'), port: 0 })).rejects.toThrow(/results folder .*nope is not a folder/);
  });
});
