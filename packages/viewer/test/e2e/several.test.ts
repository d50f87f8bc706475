import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewer } from '../../src/server/index.ts';
import type { Summary } from '../../src/format/types.ts';
import { APP_DIR } from '../helpers.ts';
import { readJson, screenshotBoth, setup, type Setup } from './setup.ts';

describe('several folders: parts of one study merged, different studies compared in groups', { timeout: 60_000 }, () => {
  let s: Setup;
  beforeAll(async () => { s = await setup(); });
  afterAll(async () => { await s?.close(); });

  const go = (hash: string) => s.go(hash);

  it('two folders with one seed each merge into the study: the same numbers as its summary.json', async () => {
    await go('#/s/part-a,part-b/summary');
    await expect.poll(() => s.page.locator('[data-testid=comparison]').innerText()).toMatch(/2 folders \(part-a, part-b\) with the same settings, merged/);
    const summary = readJson<Summary>(join(s.results, 'study/summary.json'));
    const table = s.page.locator('[data-testid=summary-clean-convnet]');
    for (const row of summary.groups[0].rows) {
      const cell = table.locator(`tr[data-label="${row.label}"] td[data-metric=test_acc]`);
      expect(Number(await cell.getAttribute('data-mean'))).toBeCloseTo(row.final.test_acc!.mean, 12);
      expect(Number(await cell.getAttribute('data-std'))).toBeCloseTo(row.final.test_acc!.std!, 12);
      expect(await table.locator(`tr[data-label="${row.label}"] td`).nth(0).innerText()).toBe('2'); // n
    }
    expect(await s.page.locator('main').innerText()).toContain('Computed from 2 folders');
    await screenshotBoth(s.page, '20-merged-summary');
    await go('#/s/part-a,part-b/curves');
    const acc = s.page.locator('[data-testid=curve-test_acc]');
    await acc.locator('svg.chart-main').waitFor();
    expect(await acc.locator('g[aria-description=mean] path').count()).toBe(2);
    await screenshotBoth(s.page, '21-merged-curves');
  });

  it('studies with different settings are compared side by side, grouped by the setting', async () => {
    await go('#/s/study,bs128/curves');
    await expect.poll(() => s.page.locator('[data-testid=comparison]').innerText()).toMatch(/runs differ in batchSize \(64, 128\)\. Runs are pooled over seeds only where every setting agrees/);
    expect(await s.page.locator('[data-testid=split-batchSize] option').allTextContents()).toEqual(['separate panels', 'series in one chart']);
    const groups = await s.page.locator('.grid-group').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-group')));
    expect(groups).toEqual(['batchSize=64 · clean data · convnet', 'batchSize=128 · clean data · convnet']);
    expect(await s.page.locator('[data-testid=curve-test_acc] g[aria-description=band] path').count()).toBe(4); // 2 losses × 2 groups
    await screenshotBoth(s.page, '22-grouped-curves');
    await go('#/s/study,bs128/summary');
    await expect.poll(() => s.page.locator('section.card h2').allTextContents()).toEqual(['Summary — batchSize=64 · clean data · convnet', 'Summary — batchSize=128 · clean data · convnet']);
    await screenshotBoth(s.page, '23-grouped-summary');
    await go('#/s/study,bs128/overview');
    await expect.poll(() => s.page.locator('[data-testid=runs-table] tbody tr').count()).toBe(8);
  });

  it('`losslab view A B` opens the folders together', async () => {
    const v = await startViewer({ resultsDir: [join(s.results, 'part-a'), join(s.results, 'part-b')], appDir: APP_DIR, port: 0 });
    try {
      await s.page.goto(v.url);
      await expect.poll(() => s.page.url()).toContain('#/s/part-a,part-b/overview');
      await expect.poll(() => s.page.locator('[data-testid=runs-table] tbody tr').count()).toBe(4);
      expect(await s.page.locator('[data-testid=study-name]').textContent()).toBe('fixture (2 folders)');
    } finally {
      await v.close();
    }
  });

  it('threw nothing in the page', () => {
    expect(s.errors).toEqual([]);
  });
});
