import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
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

const APP_SCRIPT = 'console.log("app")';

describe('viewer server', () => {
  const tmp = tempDir();
  let viewer: Viewer;

  beforeAll(async () => {
    const results = join(tmp.dir, 'results');
    const app = join(tmp.dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'index.html'), `<!doctype html><title>app</title><script type="module">${APP_SCRIPT}</script>`);
    copyFixture(join(results, 'study'));
    writeFileSync(join(results, 'study', 'evil.html'), '<script>parent.stolen = document.cookie</script>');
    writeFileSync(join(results, 'study', 'evil.svg'), '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
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

  it('sends the app with a Content-Security-Policy: own scripts only (the inline one by its hash), no framing', async () => {
    const r = await rawGet(viewer.url, '/');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    const hash = createHash('sha256').update(APP_SCRIPT).digest('base64');
    expect(csp).toMatch(new RegExp(`script-src 'self' 'sha256-${hash.replace(/[+/]/g, '\\$&')}'`));
    expect(csp).not.toContain('unsafe-inline\' \'sha'); // scripts: no unsafe-inline
    expect(csp.split(';').find((d) => d.trim().startsWith('script-src'))).not.toContain('unsafe');
    expect(r.headers['x-frame-options']).toBe('DENY');
  });

  it('serves .html and .svg inside the results folder as downloads in a sandbox, never as live content', async () => {
    for (const f of ['evil.html', 'evil.svg']) {
      const r = await rawGet(viewer.url, `/results/study/${f}`);
      expect(r.status).toBe(200);
      expect(r.headers['content-type'], f).toBe('application/octet-stream');
      expect(r.headers['content-disposition'], f).toBe('attachment');
      expect(String(r.headers['content-security-policy'])).toMatch(/default-src 'none'.*sandbox.*frame-ancestors 'none'/);
    }
    const data = await rawGet(viewer.url, '/results/study/study.json');
    expect(String(data.headers['content-security-policy'])).toContain('sandbox');
    expect(data.headers['content-disposition']).toBeUndefined();
  });

  it('lists a study\'s files (so the pages never request a missing one), and nothing outside', async () => {
    const r = JSON.parse((await rawGet(viewer.url, '/api/files?study=study')).body) as { files: Record<string, { size: number }> };
    expect(Object.keys(r.files)).toEqual(expect.arrayContaining(['study.json', 'seed_0/CE_results.csv', 'summary.json']));
    expect(Object.keys(r.files)).not.toContain('leak.txt'); // a link out of the results folder
    expect(Object.keys(r.files).some((f) => f.startsWith('up/'))).toBe(false);
    for (const bad of ['..', 'study/../..', '%2e%2e', 'nowhere']) expect((await rawGet(viewer.url, `/api/files?study=${bad}`)).status, bad).toBe(404);
  });

  it('answers only requests addressed to it', async () => {
    expect((await rawGet(viewer.url, '/api/studies', { Host: 'evil.example:80' })).status).toBe(403);
  });

  it('serves several folders side by side under unique names and asks the app to open them together', async () => {
    const a = copyFixture(join(tmp.dir, 'x', 'default'));
    const b = copyFixture(join(tmp.dir, 'y', 'default'));
    const v = await startViewer({ resultsDir: [a, b], appDir: join(tmp.dir, 'app'), port: 0 });
    try {
      expect(JSON.parse((await rawGet(v.url, '/api/studies')).body)).toEqual({ studies: ['default', 'default-2'], open: ['default', 'default-2'] });
      expect(JSON.parse((await rawGet(v.url, '/results/default-2/study.json')).body).name).toBe('fixture');
      expect((await rawGet(v.url, '/results/default-3/study.json')).status).toBe(404);
      expect((await rawGet(v.url, '/results/default/../default-2/study.json')).status).toBe(403);
    } finally {
      await v.close();
    }
  });

  it('fails clearly on a missing results folder', async () => {
    await expect(startViewer({ resultsDir: join(tmp.dir, 'nope'), appDir: join(tmp.dir, 'app'), port: 0 })).rejects.toThrow(/results folder .*nope is not a folder/);
  });
});
