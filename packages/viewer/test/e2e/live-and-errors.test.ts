import { createServer, type Server } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, extname } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_DIR, FIXTURE, rawGet, readCsvRows } from '../helpers.ts';
import { makeRunning, readJson, screenshot, screenshotBoth, setup, type Setup } from './setup.ts';

describe('live updates, malformed files, static use, refused paths', { timeout: 60_000 }, () => {
  let s: Setup;
  beforeAll(async () => { s = await setup(); });
  afterAll(async () => { await s?.close(); });

  const go = async (hash: string, query = '') => {
    await s.page.goto(`${s.viewer.url}${query}${hash}`);
    await s.page.locator('main').waitFor();
  };

  it('a running study updates as an epoch completes, without a reload', async () => {
    await go('#/s/live/curves', '?poll=300');
    const chart = s.page.locator('[data-testid=curve-test_acc] svg.chart-main');
    await chart.waitFor();
    expect(await chart.getAttribute('data-epochs')).toBe('2');
    expect(await s.page.locator('[data-testid=live]').count()).toBe(1);
    await screenshot(s.page, '07-live-before');
    const before404 = s.notFound.length;
    await s.page.evaluate(() => { (window as unknown as { marker: number }).marker = 42; });
    makeRunning(join(s.results, 'live'), 3, join(s.results, 'study')); // every run now has epoch 3 (study still running)
    await expect.poll(() => s.page.locator('[data-testid=curve-test_acc] svg.chart-main').getAttribute('data-epochs'), { timeout: 10_000 }).toBe('3');
    expect(await s.page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    // Polling asks only for files that exist: no 404s (pending CSVs, summary, saliency, favicon).
    expect(s.notFound.slice(before404)).toEqual([]);
    await s.page.locator('a', { hasText: 'Overview' }).click();
    const runs = readJson(join(s.results, 'study/study.json')).runs as { epochs: number }[];
    expect(runs.every((r) => r.epochs === 3)).toBe(true); // setup() stopped the copy at epoch 2: one more finishes every run
    await expect.poll(() => s.page.locator('[data-testid=runs-table] tr[data-status=done]').count()).toBe(runs.length);
    // The study ends: status done; polling stops after showing it.
    const study = readJson(join(s.results, 'live/study.json'));
    writeFileSync(join(s.results, 'live/study.json'), JSON.stringify({ ...study, status: 'done', endedAt: '2025-11-28T10:08:31.000Z' }));
    await expect.poll(() => s.page.locator('[data-testid=study-status]').textContent(), { timeout: 10_000 }).toBe('done');
    expect(await s.page.locator('[data-testid=live]').count()).toBe(0);
    await screenshot(s.page, '08-live-after');
  });

  it('a running study\'s summary compares every seed at one epoch, and says so', async () => {
    // One run is an epoch ahead of the others.
    const study = readJson(join(s.results, 'live/study.json'));
    makeRunning(join(s.results, 'live'), 2, join(s.results, 'study'));
    const ce0 = study.runs.find((r: { label: string; seed: number }) => r.label === 'CE' && r.seed === 0);
    writeFileSync(join(s.results, 'live', ce0.csv), readFileSync(join(s.results, 'study', ce0.csv)));
    await go('#/s/live/summary');
    const note = s.page.locator('main [data-testid=message-info]').first();
    await expect.poll(() => note.innerText()).toMatch(/Provisional: the study is still running\.[\s\S]*every seed at epoch 2[\s\S]*1 run further along/);
    const ceAt2 = [0, 1].map((seed) => readCsvRows(join(s.results, 'study', `seed_${seed}/CE_results.csv`))[1].test_acc);
    const cell = s.page.locator('tr[data-label=CE] td[data-metric=test_acc]');
    expect(Number(await cell.getAttribute('data-mean'))).toBeCloseTo((ceAt2[0] + ceAt2[1]) / 2, 12);
    await screenshotBoth(s.page, '08b-live-summary');
  });

  it('a finished study without summary.json says so (it is not "still running")', async () => {
    await go('#/s/no-summary/summary');
    await expect.poll(() => s.page.locator('main').innerText()).toContain('summary.json is missing.');
    const text = await s.page.locator('main').innerText();
    expect(text).not.toMatch(/still running/);
    expect(await s.page.locator('[data-testid=study-status]').textContent()).toBe('done');
    await screenshot(s.page, '08c-no-summary');
  });

  it('a CSV cut mid-line: the complete epochs are shown and the page says what was left out', async () => {
    await go('#/s/cut-csv/curves');
    const warn = s.page.locator('[data-testid=problems] [data-testid=message-warning]');
    await warn.waitFor();
    const text = await warn.innerText();
    expect(text).toMatch(/seed_0\/CE_results\.csv: line 4 is cut short .* ends mid-line; that epoch is left out/);
    expect(text).toMatch(/seed_1\/Focal2_results\.csv: line 2 has 3 fields, the header has 10/);
    expect(await s.page.locator('[data-testid=curve-test_acc] g[aria-description=mean] path').count()).toBe(2);
    await screenshot(s.page, '09-cut-csv');
  });

  it('a study.json that does not parse', async () => {
    await go('#/s/bad-json/overview');
    await expect.poll(() => s.page.locator('[data-testid=load-error]').textContent()).toMatch(/bad-json\/study\.json is not valid JSON \(.+\)\. It may have been cut short/);
    await screenshot(s.page, '10-bad-json');
  });

  it('a study with no runs yet', async () => {
    await go('#/s/no-runs/overview');
    await expect.poll(() => s.page.locator('main').innerText()).toContain('This study has no runs yet.');
    for (const page of ['curves', 'summary']) {
      await go(`#/s/no-runs/${page}`);
      await expect.poll(() => s.page.locator('main [data-testid=message-info]').innerText()).toMatch(/No epochs yet|Nothing to summarise yet/);
    }
    await screenshot(s.page, '11-no-runs');
  });

  it('a final.json that does not parse', async () => {
    await go('#/s/bad-final/loss/CE');
    await expect.poll(() => s.page.locator('main').innerText()).toMatch(/seed_0\/CE_final\.json is not valid JSON/);
    await s.page.locator('[data-testid=chart-confusion] svg').waitFor(); // seed 1 is still shown
    await screenshot(s.page, '12-bad-final');
  });

  it('a missing study folder', async () => {
    await go('#/s/nowhere/overview');
    await expect.poll(() => s.page.locator('[data-testid=load-error]').textContent()).toContain('nowhere/study.json was not found');
  });

  it('the server refuses paths out of the results folder', async () => {
    for (const p of ['/results/../package.json', '/results/%2e%2e/%2e%2e/package.json', `/results/${encodeURIComponent('/etc/passwd')}`, '/results//etc/passwd', '/%2e%2e/%2e%2e/package.json']) {
      expect([403, 404], p).toContain((await rawGet(s.viewer.url, p)).status);
    }
    expect((await s.page.request.get(`${s.viewer.url}results/%2e%2e/%2e%2e/package.json`)).status()).toBeGreaterThanOrEqual(403);
  });

  it('the built app works as static files on a folder the user picks', async () => {
    const server: Server = createServer((req, res) => { // a plain static server: no API, no results
      const file = join(APP_DIR, (req.url ?? '/').split('?')[0] === '/' ? 'index.html' : (req.url ?? '').split('?')[0]);
      try {
        const body = readFileSync(file);
        res.writeHead(200, { 'Content-Type': extname(file) === '.js' ? 'text/javascript' : extname(file) === '.css' ? 'text/css' : 'text/html' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      await s.page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await s.page.locator('[data-testid=dropzone]').waitFor();
      await screenshot(s.page, '13-static-open');
      await s.page.locator('[data-testid=folder-input]').setInputFiles(FIXTURE);
      await expect.poll(() => s.page.locator('[data-testid=runs-table] tbody tr').count()).toBe(4);
      await s.page.locator('a', { hasText: 'Curves' }).click();
      await s.page.locator('[data-testid=curve-f1] g[aria-description=mean] path').first().waitFor();
      expect(await s.page.locator('[data-testid=curve-f1] g[aria-description=mean] path').count()).toBe(2);
      await screenshot(s.page, '14-static-curves');
    } finally {
      server.close();
    }
  });

  it('the built app opens from disk (file://), reads a picked folder, and keeps it across a reload', async () => {
    await s.page.goto(`file://${join(APP_DIR, 'index.html')}`);
    await s.page.locator('[data-testid=dropzone]').waitFor({ timeout: 10_000 });
    expect(await s.page.locator('main').innerText()).toMatch(/opened from disk[\s\S]*losslab view/);
    await screenshotBoth(s.page, '15-file-open');
    await s.page.locator('[data-testid=folder-input]').setInputFiles(FIXTURE);
    await expect.poll(() => s.page.locator('[data-testid=runs-table] tbody tr').count()).toBe(4);
    await s.page.reload();
    await expect.poll(() => s.page.locator('[data-testid=runs-table] tbody tr').count(), { timeout: 20_000 }).toBe(4);
    expect(await s.page.locator('header .source').innerText()).toContain('kept from your last visit');
    await s.page.locator('a', { hasText: 'Curves' }).click();
    await s.page.locator('[data-testid=curve-f1] g[aria-description=mean] path').first().waitFor();
    await screenshotBoth(s.page, '16-file-curves');
  });

  it('threw nothing in the page', () => {
    expect(s.errors).toEqual([]);
  });
});
