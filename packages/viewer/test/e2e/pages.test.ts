import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '../../src/types.ts';
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
    await expect.poll(() => items.count()).toBe(6);
    await screenshot(s.page, '01-study-list');
  });

  it('overview: config, adapter, versions, duration, run statuses', async () => {
    await go('#/s/study/overview');
    await expect.poll(() => s.page.locator('[data-testid=runs-table] tbody tr').count()).toBe(4);
    expect(await s.page.locator('[data-testid=study-status]').textContent()).toBe('done');
    const text = await s.page.locator('main').innerText();
    for (const t of ['llvmpipe', 'v20.20.2', '8 min 30 s', '4 done', 'batchSize', 'clean_convnet_focal2_s1']) expect(text).toContain(t);
    expect(await s.page.locator('[data-testid=runs-table] tr[data-status=done]').count()).toBe(4);
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
        if (d) expect(Number(await cell.locator('.diff').getAttribute('data-p'))).toBe(d.pValue);
        if (d) expect(await cell.locator('.diff').innerText()).toContain(`${d.meanDiff! >= 0 ? '+' : ''}${d.meanDiff!.toFixed(4)}`);
      }
    }
    // CE has the higher mean test accuracy in the fixture; test_loss is not comparable across losses.
    expect(await table.locator('tr[data-label=CE] td[data-metric=test_acc]').getAttribute('class')).toBe('best');
    expect(await table.locator('td.best[data-metric=test_loss]').count()).toBe(0);
    const labels = () => table.locator('tbody tr').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-label')));
    await table.locator('th', { hasText: 'ece' }).click(); // lower is better: ascending
    expect(await labels()).toEqual(['Focal2', 'CE']);
    await table.locator('th', { hasText: 'ece' }).click();
    expect(await labels()).toEqual(['CE', 'Focal2']);
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

  it('saliency: each panel image beside every loss\'s map; a seed without a loss\'s file says so', async () => {
    await go('#/s/study/saliency');
    const panel = s.page.locator('[data-testid=saliency-panel]');
    await s.page.locator('[data-testid=saliency-seed]').selectOption('0');
    await expect.poll(() => panel.locator('tbody tr').count()).toBe(10);
    expect(await panel.locator('th').allTextContents()).toEqual(['test image', 'CE', 'Focal2']);
    expect(await panel.locator('canvas.saliency-image').count()).toBe(10);
    expect(await panel.locator('canvas.saliency-map').count()).toBe(20);
    const sal = readJson(join(s.results, 'study/seed_0/CE_saliency.json'));
    const first = panel.locator('tbody tr').first();
    expect(await first.getAttribute('data-index')).toBe(String(sal.images[0].index));
    expect(await first.locator('td').first().innerText()).toContain(sal.classNames[sal.images[0].label]);
    expect(await first.locator('[data-testid=saliency-pred]').first().innerText()).toContain(sal.classNames[sal.images[0].predicted]);
    // The map is drawn from the numbers: its brightest pixel is where the file's maximum is.
    const peak = sal.images[0].map.indexOf(Math.max(...sal.images[0].map));
    const bright = await first.locator('canvas.saliency-map').first().evaluate((c: HTMLCanvasElement) => {
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let best = 0;
      for (let p = 0; p < c.width * c.height; p++) if (px[p * 4] + px[p * 4 + 1] + px[p * 4 + 2] > px[best * 4] + px[best * 4 + 1] + px[best * 4 + 2]) best = p;
      return best;
    });
    expect(bright).toBe(peak);
    await screenshot(s.page, '07-saliency-seed0');
    await s.page.locator('[data-testid=saliency-seed]').selectOption('1');
    await expect.poll(() => s.page.locator('main').innerText()).toMatch(/Some losses have no saliency maps:\s*Focal2: no saliency file/);
    expect(await panel.locator('canvas.saliency-map').count()).toBe(10);
  });

  it('threw nothing in the page', () => {
    expect(s.errors).toEqual([]);
  });
});
