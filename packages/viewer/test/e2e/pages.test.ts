import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Study, Summary } from '../../src/types.ts';
import { readJson, screenshot, setup, type Setup } from './setup.ts';

const METRICS = ['test_acc', 'f1', 'test_loss', 'test_nll', 'ece', 'train_loss', 'train_acc'];

describe('study pages (fixture: 2 losses × 2 seeds × 3 epochs)', { timeout: 60_000 }, () => {
  let s: Setup;
  beforeAll(async () => { s = await setup(); });
  afterAll(async () => { await s?.close(); });

  const go = async (hash: string) => {
    await s.page.goto(`${s.viewer.url}${hash}`);
    await s.page.locator('main').waitFor();
  };

  it('lists the studies of the results folder', async () => {
    await go('#/');
    const items = s.page.locator('[data-testid=study-list] li');
    await expect.poll(() => items.count()).toBe(readdirSync(s.results).length); // every variant setup() lays out
    await screenshot(s.page, '01-study-list');
  });

  it('overview: config, adapter, versions, duration, run statuses', async () => {
    await go('#/s/study/overview');
    const study = readJson<Study>(join(s.results, 'study/study.json'));
    expect(study.runs).toHaveLength(4);
    await expect.poll(() => s.page.locator('[data-testid=runs-table] tbody tr').count()).toBe(study.runs.length);
    expect(await s.page.locator('[data-testid=study-status]').textContent()).toBe(study.status);
    const text = await s.page.locator('main').innerText();
    const secs = Math.round((Date.parse(study.endedAt!) - Date.parse(study.startedAt!)) / 1000);
    const duration = secs >= 3600 ? `${Math.floor(secs / 3600)} h ${Math.floor((secs % 3600) / 60)} min` : secs >= 60 ? `${Math.floor(secs / 60)} min ${secs % 60} s` : `${secs} s`;
    for (const t of [study.adapter!.device!, study.versions!.node, duration, `${study.runs.length} done`, 'batchSize', ...study.runs.map((r) => r.id)]) expect(text).toContain(t);
    expect(await s.page.locator('[data-testid=runs-table] tr[data-status=done]').count()).toBe(study.runs.length);
    await screenshot(s.page, '02-overview');
  });

  it('curves: seven charts, one mean line and band per loss, seeds on demand, hover read-out, log scale', async () => {
    await go('#/s/study/curves');
    for (const m of METRICS) {
      const card = s.page.locator(`[data-testid=curve-${m}]`);
      await card.locator('svg.chart-main').waitFor();
      expect(await card.locator('svg.chart-main').getAttribute('data-series')).toBe('2');
      expect(await card.locator('g[aria-description=mean] path').count(), m).toBe(2);
      expect(await card.locator('g[aria-description=band] path').count(), m).toBe(2);
      expect(await card.locator('g[aria-description=seeds] path').count()).toBe(0);
    }
    await s.page.locator('[data-testid=show-seeds]').check();
    await expect.poll(() => s.page.locator('[data-testid=curve-test_acc] g[aria-description=seeds] path').count()).toBe(4);
    const chart = s.page.locator('[data-testid=curve-test_acc] svg.chart-main');
    const box = (await chart.boundingBox())!;
    await s.page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.4);
    await expect.poll(() => s.page.locator('[data-testid=curve-test_acc] g[aria-label=tip]').textContent().then((t) => t?.replace(/\u200b/g, ''))).toMatch(/epoch 2\s*mean 0\.\d+ ± 0\.\d+\s*std over 2 seeds/);
    await screenshot(s.page, '03-curves');
    await s.page.locator('[data-testid=log-losses]').check();
    await expect.poll(() => s.page.locator('[data-testid=curve-test_nll] h3').textContent()).toContain('(log)');
    expect(await s.page.locator('[data-testid=curve-test_acc] h3').textContent()).not.toContain('(log)');
    await s.page.locator('[data-testid=show-seeds]').uncheck();
    await s.page.locator('[data-testid=log-losses]').uncheck();
  });

  it('summary: the numbers of summary.json, best marked, sortable', async () => {
    await go('#/s/study/summary');
    const table = s.page.locator('[data-testid=summary-clean-convnet]');
    await table.waitFor();
    const summary = readJson<Summary>(join(s.results, 'study/summary.json'));
    for (const row of summary.groups[0].rows) {
      for (const m of summary.metrics) {
        const cell = table.locator(`tr[data-label="${row.label}"] td[data-metric="${m}"]`);
        const st = row.final[m]!;
        expect(await cell.locator('.main').innerText()).toContain(`${st.mean.toFixed(4)} ± ${st.std!.toFixed(4)}`);
        expect(await cell.locator('.sub').first().innerText()).toBe(`95% CI [${st.ci95![0].toFixed(4)}, ${st.ci95![1].toFixed(4)}]`);
        const d = row.vsCE?.[m];
        // A Δ exactly where summary.json has one; none where it has none (CE's row, each loss's own criterion).
        expect(await cell.locator('.diff').count(), `${row.label} ${m}`).toBe(d ? 1 : 0);
        if (d) expect(Number(await cell.locator('.diff').getAttribute('data-p'))).toBe(d.pValue);
        if (d) expect(await cell.locator('.diff').innerText()).toContain(`${d.meanDiff! >= 0 ? '+' : ''}${d.meanDiff!.toFixed(4)}`);
        if (d) expect(await cell.locator('.diff.significant').count()).toBe(d.significant ? 1 : 0);
      }
    }
    // The CLI compares no loss with CE on its own criterion (different scales): nothing to show or mark there.
    const focal = summary.groups[0].rows.find((r) => r.label === 'Focal2')!;
    expect(Object.keys(focal.vsCE!)).not.toContain('test_loss');
    expect(Object.keys(focal.vsCE!)).not.toContain('train_loss');
    for (const m of ['test_loss', 'train_loss']) expect(await table.locator(`td[data-metric=${m}] .diff`).count(), m).toBe(0);
    // The best mean test accuracy (from summary.json) is starred; test_loss is not comparable across losses.
    const rows = summary.groups[0].rows;
    const bestAcc = rows.reduce((a, b) => (b.final.test_acc!.mean > a.final.test_acc!.mean ? b : a));
    for (const r of rows) expect(await table.locator(`tr[data-label=${r.label}] td[data-metric=test_acc]`).getAttribute('class')).toBe(r === bestAcc ? 'best' : '');
    expect(await table.locator('td.best[data-metric=test_loss]').count()).toBe(0);
    expect(await table.locator('td.best[data-metric=train_loss]').count()).toBe(0);
    const labels = () => table.locator('tbody tr').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-label')));
    const byEce = [...rows].sort((a, b) => a.final.ece!.mean - b.final.ece!.mean).map((r) => r.label);
    expect(new Set(rows.map((r) => r.final.ece!.mean)).size).toBe(rows.length); // distinct: the order is defined
    await table.locator('th', { hasText: 'ece' }).click(); // lower is better: ascending
    expect(await labels()).toEqual(byEce);
    await table.locator('th', { hasText: 'ece' }).click();
    expect(await labels()).toEqual([...byEce].reverse());
    await screenshot(s.page, '04-summary');
    const download = s.page.waitForEvent('download');
    await s.page.locator('button', { hasText: 'CSV' }).first().click();
    const d = await download;
    expect(d.suggestedFilename()).toBe('fixture_summary.csv');
    const csv = await (await d.createReadStream()).toArray();
    expect(Buffer.concat(csv).toString()).toMatch(/^data,arch,loss,label,n,metric,mean/);
  });

  it('per loss: confusion heatmap, per-class F1 bars, reliability diagram with ECE; PNG and SVG export', async () => {
    await go('#/s/study/loss/CE');
    const conf = s.page.locator('[data-testid=chart-confusion]');
    await conf.locator('svg.chart-main').waitFor();
    expect(await conf.locator('g[aria-label=cell] rect').count()).toBe(100);
    const ticks = await conf.locator('g[aria-label="y-axis tick label"] text').allTextContents();
    expect(ticks).toContain('airplane');
    expect(await s.page.locator('[data-testid=chart-f1] g[aria-label=bar] rect').count()).toBe(10);
    expect(await s.page.locator('[data-testid=chart-f1] g[aria-label=dot] circle').count()).toBe(20);
    expect(await s.page.locator('[data-testid=chart-reliability] h3').textContent()).toMatch(/ECE 0\.\d{4}/);
    await screenshot(s.page, '05-loss-CE-pooled');
    await s.page.locator('[data-testid=seed-select]').selectOption('0');
    const fin = readJson(join(s.results, 'study/seed_0/CE_final.json'));
    await expect.poll(() => s.page.locator('[data-testid=chart-reliability] h3').textContent()).toContain(`ECE ${fin.calibration.ece.toFixed(4)}`);
    const cells = await s.page.locator('[data-testid=chart-confusion] g[aria-label=text] text').allTextContents();
    expect(cells.slice(0, 10).map(Number)).toEqual(fin.confusion[0]);
    await screenshot(s.page, '06-loss-CE-seed0');
    for (const kind of ['SVG', 'PNG']) {
      const download = s.page.waitForEvent('download');
      await s.page.locator('[data-testid=chart-confusion] button', { hasText: kind }).click();
      const d = await download;
      expect(d.suggestedFilename()).toBe(`fixture_CE_seed0_confusion.${kind.toLowerCase()}`);
      const bytes = Buffer.concat(await (await d.createReadStream()).toArray());
      if (kind === 'SVG') expect(bytes.toString()).toContain('<svg');
      else expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    }
  });

  it('saliency: each panel image beside every loss\'s map, for every seed', async () => {
    await go('#/s/study/saliency');
    const panel = s.page.locator('[data-testid=saliency-panel]');
    await s.page.locator('[data-testid=saliency-seed]').selectOption('0');
    const sal = readJson(join(s.results, 'study/seed_0/CE_saliency.json'));
    const n = sal.images.length; // the panel: the first two test images of each class
    expect(n).toBe(2 * sal.classNames.length);
    await expect.poll(() => panel.locator('tbody tr').count()).toBe(n);
    expect(await panel.locator('th').allTextContents()).toEqual(['test image', 'CE', 'Focal2']);
    expect(await panel.locator('canvas.saliency-image').count()).toBe(n);
    expect(await panel.locator('canvas.saliency-map').count()).toBe(2 * n);
    const first = panel.locator('tbody tr').first();
    expect(await first.getAttribute('data-index')).toBe(String(sal.images[0].index));
    expect(await first.locator('td').first().innerText()).toContain(sal.classNames[sal.images[0].label]);
    expect(await first.locator('[data-testid=saliency-pred]').first().innerText()).toContain(sal.classNames[sal.images[0].predicted]);
    // The map is drawn from the numbers: its brightest pixel is where the file's maximum is.
    const peakOf = (map: number[]) => map.indexOf(Math.max(...map));
    const brightest = () => panel.locator('tbody tr').first().locator('canvas.saliency-map').first().evaluate((c: HTMLCanvasElement) => {
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let best = 0;
      for (let p = 0; p < c.width * c.height; p++) if (px[p * 4] + px[p * 4 + 1] + px[p * 4 + 2] > px[best * 4] + px[best * 4 + 1] + px[best * 4 + 2]) best = p;
      return best;
    });
    expect(await brightest()).toBe(peakOf(sal.images[0].map));
    await screenshot(s.page, '07-saliency-seed0');
    await s.page.locator('[data-testid=saliency-seed]').selectOption('1');
    const sal1 = readJson(join(s.results, 'study/seed_1/CE_saliency.json'));
    expect(peakOf(sal1.images[0].map)).not.toBe(peakOf(sal.images[0].map)); // else this would not tell the seeds apart
    await expect.poll(brightest).toBe(peakOf(sal1.images[0].map));
    expect(await panel.locator('tbody tr').first().getAttribute('data-index')).toBe(String(sal1.images[0].index));
    expect(await panel.locator('canvas.saliency-map').count()).toBe(2 * sal1.images.length);
    expect(await s.page.locator('main').innerText()).not.toContain('Some losses have no saliency maps');
  });

  it('saliency: a seed without a loss\'s file says why (files removed from a copy of the fixture)', async () => {
    await go('#/s/saliency-gaps/saliency');
    const panel = s.page.locator('[data-testid=saliency-panel]');
    const n = readJson(join(s.results, 'saliency-gaps/seed_1/CE_saliency.json')).images.length;
    await s.page.locator('[data-testid=saliency-seed]').selectOption('1');
    await expect.poll(() => s.page.locator('main').innerText()).toMatch(/Some losses have no saliency maps:\s*Focal2: no saliency file/);
    expect(await panel.locator('canvas.saliency-map').count()).toBe(n); // CE's only
    await screenshot(s.page, '07b-saliency-gaps-seed1');
    await s.page.locator('[data-testid=saliency-seed]').selectOption('0');
    await expect.poll(() => s.page.locator('main').innerText()).toMatch(/Focal2: seed_0\/Focal2_saliency\.json is missing although seed_0\/Focal2_final\.json names it/);
    expect(await panel.locator('canvas.saliency-map').count()).toBe(n);
  });

  it('threw nothing in the page', () => {
    expect(s.errors).toEqual([]);
  });
});
