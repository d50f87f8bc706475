import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Study, Summary } from '../../src/format/types.ts';
import { focused, readJson, screenshot, screenshotBoth, setup, type Setup } from './setup.ts';
import { readCsvRows } from '../helpers.ts';

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
    // More than folder names: each study's name, status, runs and losses (or why it cannot be read).
    const study = items.filter({ has: s.page.locator('a', { hasText: /^study$/ }) });
    await expect.poll(() => study.innerText()).toMatch(/study done fixture · 4\/4 runs done · CE, Focal2 · started /);
    expect(await items.filter({ has: s.page.locator('a', { hasText: /^bad-json$/ }) }).innerText()).toContain('cannot be read');
    const phone = await screenshotBoth(s.page, '01-study-list');
    expect(phone.overflow).toBeLessThanOrEqual(0);
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
    expect(await s.page.locator('[data-testid=study-name]').textContent()).toBe('fixture — study'); // the folder tells studies apart
    const phone = await screenshotBoth(s.page, '02-overview');
    expect(phone.overflow).toBeLessThanOrEqual(0);
  });

  it('curves: seven charts with title, legend and separated line labels; seeds, smoothing and log scale without losing focus', async () => {
    await go('#/s/study/curves');
    for (const m of METRICS) {
      const card = s.page.locator(`[data-testid=curve-${m}]`);
      const svg = card.locator('svg.chart-main');
      await svg.waitFor();
      expect(await svg.getAttribute('data-series')).toBe('2');
      expect(await svg.getAttribute('role')).toBe('img');
      expect(await svg.getAttribute('aria-label')).toMatch(/against epoch.*CE, Focal2/);
      expect(await card.locator('g[aria-description=mean] path').count(), m).toBe(2);
      expect(await card.locator('g[aria-description=band] path').count(), m).toBe(2);
      expect(await card.locator('g[aria-description=seeds] path').count()).toBe(0);
      expect(await card.locator('g.chart-head text').allTextContents()).toEqual([expect.stringMatching(/\w/), 'CE', 'Focal2']); // title, legend
      // Line-end labels never overlap (they are spread at least 12 px apart).
      const ys = await card.locator('g[aria-description=labels] text').evaluateAll((ts) => ts.map((t) => Number(t.getAttribute('y'))));
      expect(ys).toHaveLength(2);
      expect(Math.abs(ys[0] - ys[1])).toBeGreaterThanOrEqual(12);
      // The last epoch has a tick.
      expect(await card.locator('g[aria-label="x-axis tick label"] text').allTextContents()).toContain('3');
    }
    const acc = s.page.locator('[data-testid=curve-test_acc]');
    // Checkboxes keep focus and redraw only the charts.
    await s.page.locator('[data-testid=show-seeds]').focus();
    await s.page.keyboard.press('Space');
    await expect.poll(() => acc.locator('g[aria-description=seeds] path').count()).toBe(4);
    expect(await focused(s.page)).toBe('show-seeds');
    // The smoothing slider can be dragged: it stays the same element, with focus, through every step.
    const slider = s.page.locator('[data-testid=smoothing]');
    const handle = await slider.elementHandle();
    const box = (await slider.boundingBox())!;
    await s.page.mouse.move(box.x + 2, box.y + box.height / 2);
    await s.page.mouse.down();
    for (let i = 1; i <= 8; i++) await s.page.mouse.move(box.x + (box.width * i) / 10, box.y + box.height / 2);
    await s.page.mouse.up();
    expect(Number(await slider.inputValue())).toBeGreaterThan(0.6);
    expect(await handle!.evaluate((el) => el.isConnected && document.activeElement === el)).toBe(true);
    expect(await s.page.locator('[data-testid=smoothing-value]').textContent()).toBe(Number(await slider.inputValue()).toFixed(2));
    await s.page.keyboard.press('ArrowLeft'); // and by keyboard
    expect(await focused(s.page)).toBe('smoothing');
    // Smoothed (once the slider rests): the raw mean is drawn faintly behind.
    await expect.poll(() => s.page.locator('[data-testid=curve-test_acc] g[aria-description=raw] path').count()).toBe(2);
    // Hover: a tooltip lists every series at the epoch; the line shows on every chart.
    const chart = acc.locator('svg.chart-main');
    const cb = (await chart.boundingBox())!;
    const x0 = Number(await chart.getAttribute('data-x0'));
    const x1 = Number(await chart.getAttribute('data-x1'));
    const scale = cb.width / Number((await chart.getAttribute('viewBox'))!.split(' ')[2]);
    await s.page.mouse.move(cb.x + ((x0 + x1) / 2) * scale, cb.y + cb.height * 0.5); // epoch 2 of 1–3
    const tip = acc.locator('[data-testid=tooltip]');
    await expect.poll(() => tip.innerText()).toMatch(/^epoch 2\n(CE|Focal2): 0\.\d{4} ± 0\.\d{4} \(2 seeds\), raw 0\.\d{4}\n(CE|Focal2): /);
    expect(await s.page.locator('line.hover-line[visibility=visible]').count()).toBe(METRICS.length);
    await screenshot(s.page, '03-curves-hover');
    await s.page.mouse.move(0, 0);
    await expect.poll(() => s.page.locator('line.hover-line[visibility=visible]').count()).toBe(0);
    // Keyboard: focus a chart, arrows move the epoch.
    await chart.focus();
    await s.page.keyboard.press('ArrowRight');
    await expect.poll(() => tip.innerText()).toMatch(/^epoch 1\n/);
    await s.page.keyboard.press('Escape');
    // Chart data as CSV.
    const download = s.page.waitForEvent('download');
    await acc.locator('button', { hasText: 'CSV' }).click();
    const d = await download;
    expect(d.suggestedFilename()).toBe('study_clean_convnet_test_acc.csv');
    const csv = Buffer.concat(await (await d.createReadStream()).toArray()).toString().trim().split(/\r?\n/);
    expect(csv[0]).toBe('epoch,loss,mean,std,n_seeds,band_lo,band_hi,raw_mean,seed_0,seed_1');
    expect(csv).toHaveLength(1 + 2 * 3);
    const ce1 = readCsvRows(join(s.results, 'study/seed_0/CE_results.csv'))[0].test_acc;
    const ce1b = readCsvRows(join(s.results, 'study/seed_1/CE_results.csv'))[0].test_acc;
    const row = csv.find((l) => l.startsWith('1,CE,'))!.split(',');
    expect(Number(row[7])).toBeCloseTo((ce1 + ce1b) / 2, 10); // raw mean at epoch 1
    expect([Number(row[8]), Number(row[9])]).toEqual([ce1, ce1b]); // every seed's value (epoch 1: smoothing leaves it as it is)
    await s.page.locator('[data-testid=log-losses]').check();
    await expect.poll(() => s.page.locator('[data-testid=curve-test_nll] h2').textContent()).toContain('(log)');
    expect(await focused(s.page)).toBe('log-losses');
    expect(await s.page.locator('[data-testid=curve-test_acc] h2').textContent()).not.toContain('(log)');
    // Log axes print plain numbers (never "300m").
    const logTicks = await s.page.locator('[data-testid=curve-test_nll] g[aria-label="y-axis tick label"] text').allTextContents();
    expect(logTicks.length).toBeGreaterThan(0);
    for (const t of logTicks) expect(t, t).toMatch(/^[\d.e−-]+$/);
    const phone = await screenshotBoth(s.page, '03-curves');
    expect(phone.overflow).toBeLessThanOrEqual(0);
    expect(phone.header).toBeLessThan(100);
    await s.page.locator('[data-testid=show-seeds]').uncheck();
    await s.page.locator('[data-testid=log-losses]').uncheck();
    await slider.fill('0');
  });

  it('summary: the numbers of summary.json, titled columns, significance by direction, sortable by keyboard', async () => {
    await go('#/s/study/summary');
    const table = s.page.locator('[data-testid=summary-clean-convnet]');
    await table.waitFor();
    expect(await s.page.locator('[data-testid=summary-source]').innerText()).toContain('From summary.json');
    const summary = readJson<Summary>(join(s.results, 'study/summary.json'));
    const headers = await table.locator('thead th').allInnerTexts();
    expect(headers.join('|')).not.toMatch(/test_acc|test_nll/); // titles, not raw keys
    expect(headers).toContain('test acc.');
    for (const row of summary.groups[0].rows) {
      for (const m of summary.metrics) {
        const cell = table.locator(`tr[data-label="${row.label}"] td[data-metric="${m}"]`);
        const st = row.final[m]!;
        expect(await cell.locator('.main').innerText()).toContain(`${st.mean.toFixed(4)} ± ${st.std!.toFixed(4)}`);
        expect(await cell.locator('.sub').first().innerText()).toBe(`CI [${st.ci95![0].toFixed(4)}, ${st.ci95![1].toFixed(4)}]`);
        const d = row.vsCE?.[m];
        // A Δ exactly where summary.json has one; none where it has none (CE's row, each loss's own criterion).
        expect(await cell.locator('.diff').count(), `${row.label} ${m}`).toBe(d ? 1 : 0);
        if (!d) continue;
        expect(Number(await cell.locator('.diff').getAttribute('data-p'))).toBe(d.pValue);
        const text = await cell.locator('.diff').innerText();
        expect(text).toContain(`Δ vs CE ${d.meanDiff! >= 0 ? '+' : '−'}${Math.abs(d.meanDiff!).toFixed(4)}`);
        // Every difference with its 95% CI: two seeds here, so the Student-t one (a 2-seed bootstrap is too narrow).
        expect(text).toContain(`95% t-CI [${d.ci95![0].toFixed(4)}, ${d.ci95![1].toFixed(4)}]`);
        expect(text).toMatch(d.pValue! < 0.001 ? /p < 0\.001/ : /p = \d\.\d{3}/);
        // Significant differences are coloured by direction: better green, worse red, never "better" when worse.
        const better = (m === 'test_nll' || m === 'ece') ? d.meanDiff! < 0 : d.meanDiff! > 0;
        expect(await cell.locator('.diff.significant').count()).toBe(d.significant ? 1 : 0);
        if (d.significant) expect(await cell.locator(`.diff.${better ? 'better' : 'worse'}`).count(), `${row.label} ${m}`).toBe(1);
      }
    }
    const focal = summary.groups[0].rows.find((r) => r.label === 'Focal2')!;
    expect(Object.keys(focal.vsCE!)).not.toContain('test_loss');
    for (const m of ['test_loss', 'train_loss']) expect(await table.locator(`td[data-metric=${m}] .diff`).count(), m).toBe(0);
    const rows = summary.groups[0].rows;
    // Two seeds: no difference can be significant, so no "★ best" anywhere (the unit tests cover where one is).
    expect(await table.locator('td.best').count()).toBe(0);
    expect(await s.page.locator('[data-testid=summary-source]').innerText()).toMatch(/★ best: the best mean among losses above chance.*significantly better than the runner-up/);
    expect(await s.page.locator('[data-testid=summary-source]').innerText()).toContain('ECE: per run, 15 equal-width confidence bins');
    const labels = () => s.page.locator('[data-testid=summary-clean-convnet] tbody tr').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-label')));
    const byEce = [...rows].sort((a, b) => a.final.ece!.mean - b.final.ece!.mean).map((r) => r.label);
    expect(new Set(rows.map((r) => r.final.ece!.mean)).size).toBe(rows.length); // distinct: the order is defined
    // Sort headers are buttons: reachable by Tab, Enter sorts, focus stays on the button.
    const eceButton = s.page.locator('button.sort[data-metric-key=ece]');
    await eceButton.focus();
    await s.page.keyboard.press('Enter'); // lower is better: ascending
    await expect.poll(labels).toEqual(byEce);
    expect(await focused(s.page)).toBe('sort-ece');
    await s.page.keyboard.press('Enter');
    await expect.poll(labels).toEqual([...byEce].reverse());
    expect(await s.page.locator('th[aria-sort=descending]').count()).toBe(1);
    const phone = await screenshotBoth(s.page, '04-summary');
    expect(phone.overflow).toBeLessThanOrEqual(0);
    const download = s.page.waitForEvent('download');
    await s.page.locator('button', { hasText: 'CSV' }).first().click();
    const d = await download;
    expect(d.suggestedFilename()).toBe('study_summary.csv');
    const csv = await (await d.createReadStream()).toArray();
    expect(Buffer.concat(csv).toString()).toMatch(/^group,data,arch,loss,label,n,metric,mean/);
  });

  it('per loss: confusion heatmap, per-class F1 bars, reliability diagram with ECE; PNG and SVG export with titles', async () => {
    await go('#/s/study/loss/CE');
    const conf = s.page.locator('[data-testid=chart-confusion]');
    await conf.locator('svg.chart-main').waitFor();
    expect(await conf.locator('g[aria-label=cell] rect').count()).toBe(100);
    const ticks = await conf.locator('g[aria-label="y-axis tick label"] text').allTextContents();
    expect(ticks).toContain('airplane');
    expect(await s.page.locator('[data-testid=chart-f1] g[aria-label=bar] rect').count()).toBe(10);
    expect(await s.page.locator('[data-testid=chart-f1] g[aria-label=dot] circle').count()).toBe(20);
    // One ECE: the summary's (mean ± std of the runs' own), its definition stated.
    const ece = readJson<Summary>(join(s.results, 'study/summary.json')).groups[0].rows[0].final.ece!;
    expect(await s.page.locator('[data-testid=chart-reliability] h2').textContent()).toContain(`ECE ${ece.mean.toFixed(4)} ± ${ece.std!.toFixed(4)} (mean ± std, 2 seeds)`);
    expect(await s.page.locator('[data-testid=ece-definition]').innerText()).toContain('15 equal-width confidence bins');
    expect(await s.page.locator('[data-testid=chart-reliability] g.legend text').allTextContents()).toContain('perfect calibration');
    await screenshotBoth(s.page, '05-loss-CE-pooled');
    await s.page.locator('[data-testid=seed-select]').focus();
    await s.page.locator('[data-testid=seed-select]').selectOption('0');
    expect(await focused(s.page)).toBe('seed-select'); // the control is not replaced: focus stays
    const fin = readJson(join(s.results, 'study/seed_0/CE_final.json'));
    await expect.poll(() => s.page.locator('[data-testid=chart-reliability] h2').textContent()).toContain(`ECE ${fin.calibration.ece.toFixed(4)}`);
    const cells = await s.page.locator('[data-testid=chart-confusion] g[aria-label=text] text').allTextContents();
    const total = fin.confusion[0].reduce((a: number, b: number) => a + b, 0);
    expect(cells.slice(0, 10)).toEqual(fin.confusion[0].map((c: number) => ((c / total) * 100).toFixed(c / total >= 0.095 ? 0 : 1))); // % of the true class
    await screenshot(s.page, '06-loss-CE-seed0');
    for (const kind of ['SVG', 'PNG']) {
      const download = s.page.waitForEvent('download');
      await s.page.locator('[data-testid=chart-confusion] button', { hasText: kind }).click();
      const d = await download;
      expect(d.suggestedFilename()).toBe(`study_CE_seed0_confusion.${kind.toLowerCase()}`);
      const bytes = Buffer.concat(await (await d.createReadStream()).toArray());
      if (kind === 'SVG') expect(bytes.toString()).toMatch(/<svg[\s\S]*Confusion matrix, % of each true class — CE, seed 0/);
      else expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    }
    await s.page.locator('[data-testid=seed-select]').selectOption('all');
  });

  it('accessibility: a title and one h1 per page, the active link marked, charts labelled', async () => {
    const titles = new Set<string>();
    for (const page of ['overview', 'curves', 'summary', 'saliency', 'loss/CE']) {
      await go(`#/s/study/${page}`);
      await s.page.locator('main h1').waitFor();
      expect(await s.page.locator('h1').count()).toBe(1);
      titles.add(await s.page.title());
      expect(await s.page.locator('nav a[aria-current=page]').count(), page).toBe(1);
      expect(await s.page.locator('nav a[aria-current=page]').getAttribute('href')).toContain(page.replace('/', '/'));
      expect(await s.page.locator('svg.chart-main:not([role=img])').count()).toBe(0);
      expect(await s.page.locator('svg.chart-main:not([aria-label])').count()).toBe(0);
    }
    expect(titles.size).toBe(5);
    await screenshotBoth(s.page, '05b-loss-CE-a11y');
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
    await screenshotBoth(s.page, '07-saliency-seed0');
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
