/**
 * Comparisons you can trust: runs whose settings differ are never pooled (three copies of the
 * fixture at lr 0.01/batch 64, lr 0.02/batch 64, lr 0.01/batch 128), the grouping is in the
 * address; the summary fits a laptop screen with the loss names kept in view; a tap reads out a
 * chart and x-ticks never collide on a phone; the smoothing slider redraws the charts on screen once it rests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, PHONE, screenshot, screenshotBoth, setup, type Setup } from './setup.ts';

describe('trustworthy comparisons', { timeout: 90_000 }, () => {
  let s: Setup;
  beforeAll(async () => { s = await setup(); });
  afterAll(async () => { await s?.close(); });

  const go = (hash: string) => s.go(hash);

  it('three copies that differ in lr and batch size: never pooled, every differing setting named, grouping kept in the address', async () => {
    await s.page.setViewportSize(DESKTOP);
    await go('#/s/study,lr02,bs128/summary');
    const comparison = s.page.locator('[data-testid=comparison]');
    await expect.poll(() => comparison.innerText()).toMatch(/runs differ in batchSize \(64, 128\), lr \(0\.01, 0\.02\)\. Runs are pooled over seeds only where every setting agrees/);
    const titles = await s.page.locator('section.card h2').allTextContents();
    expect(titles).toEqual(['Summary — batchSize=64 · lr=0.01 · clean data · convnet', 'Summary — batchSize=64 · lr=0.02 · clean data · convnet', 'Summary — batchSize=128 · lr=0.01 · clean data · convnet']);
    // n = 2 in every row of every table: each copy's two seeds, never the four of two copies.
    const ns = await s.page.locator('table.summary tbody tr td:first-of-type').allInnerTexts();
    expect(ns).toEqual(['2', '2', '2', '2', '2', '2']);
    await screenshotBoth(s.page, '40-three-settings-summary');
    // Curves: a panel per combination; lr drawn as series instead, kept in the address (a reload keeps it).
    await go('#/s/study,lr02,bs128/curves');
    await expect.poll(() => s.page.locator('.grid-group').count()).toBe(3);
    await s.page.locator('[data-testid=split-lr]').selectOption('series');
    await expect.poll(() => s.page.url()).toContain('/curves?series=lr');
    await expect.poll(() => s.page.locator('.grid-group').count()).toBe(2);
    const acc = s.page.locator('.grid-group').first().locator('[data-testid=curve-test_acc]');
    expect(await acc.locator('g.chart-head text').allTextContents()).toEqual([expect.stringMatching(/Test accuracy/), 'CE · lr=0.01', 'CE · lr=0.02', 'Focal2 · lr=0.01', 'Focal2 · lr=0.02']);
    expect(await acc.locator('text.chart-caption').textContent()).toContain('n = 2 seeds per line');
    await s.page.reload();
    await expect.poll(() => s.page.locator('.grid-group').count()).toBe(2);
    expect(await s.page.locator('[data-testid=split-lr]').inputValue()).toBe('series');
    // The nav keeps the grouping too.
    expect(await s.page.locator('nav a', { hasText: 'Summary' }).getAttribute('href')).toContain('?series=lr');
    await screenshotBoth(s.page, '41-three-settings-curves-series');
    await s.page.setViewportSize(PHONE);
    await s.page.waitForTimeout(400);
    await s.page.locator('.grid-group').first().locator('[data-testid=curve-test_acc]').scrollIntoViewIfNeeded();
    await screenshot(s.page, '41-three-settings-curves-series-phone-chart', false);
    await s.page.setViewportSize(DESKTOP);
    // Overview: each folder's provenance.
    await go('#/s/study,lr02,bs128/overview');
    const folders = s.page.locator('[data-testid=folders-table] tbody tr');
    await expect.poll(() => folders.count()).toBe(3);
    expect(await folders.nth(1).innerText()).toContain('f00dfeedf0');
    expect(await s.page.locator('main').innerText()).toContain('2 commits (see Folders)');
    await screenshotBoth(s.page, '42-three-settings-overview');
  });

  it('runs table: filter and hide runs, every page follows', async () => {
    await go('#/s/study/overview');
    await s.page.locator('[data-testid=filter-loss]').selectOption('CE');
    await expect.poll(() => s.page.locator('[data-testid=runs-table] tbody tr').count()).toBe(2);
    await s.page.locator('[data-testid=show-clean_convnet_ce_s1]').uncheck();
    await expect.poll(() => s.page.locator('[data-testid=runs-shown]').innerText()).toBe('1 of 4 runs shown on every page');
    await screenshot(s.page, '43-runs-filtered');
    await s.page.locator('nav a', { hasText: 'Curves' }).click();
    const acc = s.page.locator('[data-testid=curve-test_acc]');
    await acc.locator('svg.chart-main').waitFor();
    expect(await acc.locator('g[aria-description=labels] text').allTextContents()).toEqual(['CE']);
    expect(await acc.locator('text.chart-caption').textContent()).toContain('one seed per line: no band');
    // Any metric on any chart.
    await s.page.locator('[data-testid=metric-0]').selectOption('seconds');
    await expect.poll(() => s.page.locator('[data-testid=curve-test_acc]').getAttribute('data-metric')).toBe('seconds');
    await s.page.locator('[data-testid=metric-0]').selectOption('test_acc');
    await s.page.locator('nav a', { hasText: 'Overview' }).click();
    await s.page.locator('[data-testid=show-all]').click();
    await expect.poll(() => s.page.locator('[data-testid=runs-shown]').innerText()).toBe('4 of 4 runs shown on every page');
  });

  it('the summary fits 1440 px; on a phone it scrolls sideways with the loss names in view', async () => {
    await s.page.setViewportSize(DESKTOP);
    await go('#/s/study/summary');
    const wrap = s.page.locator('.table-wrap').first();
    await wrap.waitFor();
    const fit = await wrap.evaluate((w) => ({ scroll: w.scrollWidth, client: w.clientWidth }));
    expect(fit.scroll).toBeLessThanOrEqual(fit.client);
    await s.page.setViewportSize(PHONE);
    await s.page.waitForTimeout(300);
    const first = s.page.locator('table.summary tbody th').first();
    const before = (await first.boundingBox())!;
    await wrap.evaluate((w) => { w.scrollLeft = 400; });
    expect(await wrap.evaluate((w) => w.scrollLeft)).toBeGreaterThan(0);
    const after = (await first.boundingBox())!;
    expect(Math.abs(after.x - before.x)).toBeLessThan(1); // sticky: the name stays
    await screenshot(s.page, '44-summary-phone-scrolled', false);
    await s.page.setViewportSize(DESKTOP);
  });

  it('smoothing: a dragged slider redraws once it rests, only the charts on screen; the rest when scrolled to', async () => {
    await s.page.setViewportSize(DESKTOP);
    await go('#/s/study/curves');
    const area = s.page.locator('[data-testid=charts]');
    await s.page.locator('[data-testid=curve-train_acc] svg.chart-main').waitFor();
    const draws = async () => Number(await area.getAttribute('data-draws'));
    const slider = s.page.locator('[data-testid=smoothing]');
    await s.page.waitForTimeout(400); // the app redraws the page 150 ms after a viewport change (the test before changed it)
    // Ten steps in quick succession (as a drag): no redraw per step.
    await slider.evaluate((el: HTMLInputElement) => {
      for (let i = 1; i <= 10; i++) { el.value = String(i * 0.05); el.dispatchEvent(new Event('input', { bubbles: true })); }
    });
    expect(await draws()).toBe(0);
    await expect.poll(draws, { timeout: 10_000 }).toBeGreaterThan(0);
    await s.page.waitForTimeout(500);
    const onScreen = await draws();
    expect(onScreen).toBeLessThan(7); // at 1440×900 some of the seven charts are below the fold
    expect(await s.page.locator('[data-testid=curve-test_acc] g[aria-description=raw] path').count()).toBe(2);
    expect(await s.page.locator('[data-testid=curve-train_acc] g[aria-description=raw] path').count()).toBe(0); // not redrawn yet
    await s.page.locator('[data-testid=curve-train_acc]').scrollIntoViewIfNeeded();
    await expect.poll(() => s.page.locator('[data-testid=curve-train_acc] g[aria-description=raw] path').count()).toBe(2);
    await slider.fill('0');
  });

  it('a phone: a tap reads out the chart; x-ticks never run together', async () => {
    const context = await s.browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true });
    const page = await context.newPage();
    try {
      await page.goto(`${s.viewer.url}#/s/study,lr02,bs128/curves`);
      const chart = page.locator('[data-testid=curve-test_acc] svg.chart-main').first();
      await chart.waitFor();
      const box = (await chart.boundingBox())!;
      const x0 = Number(await chart.getAttribute('data-x0'));
      const x1 = Number(await chart.getAttribute('data-x1'));
      const scale = box.width / Number((await chart.getAttribute('viewBox'))!.split(' ')[2]);
      await page.touchscreen.tap(box.x + ((x0 + x1) / 2) * scale, box.y + box.height * 0.5);
      const tip = page.locator('[data-testid=curve-test_acc] [data-testid=tooltip]').first();
      await expect.poll(() => tip.innerText()).toMatch(/^epoch 2\n/);
      await page.screenshot({ path: `${process.cwd()}/test-artifacts/45-phone-tap.png` });
      // No two x-tick labels overlap on any chart.
      const overlaps = await page.locator('svg.chart-main').evaluateAll((svgs) => svgs.flatMap((svg) => {
        const boxes = Array.from(svg.querySelectorAll('g[aria-label="x-axis tick label"] text'), (t) => t.getBoundingClientRect());
        return boxes.slice(1).filter((b, i) => b.left < boxes[i].right + 2).map(() => svg.getAttribute('aria-label'));
      }));
      expect(overlaps).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('threw nothing in the page', () => {
    expect(s.errors).toEqual([]);
  });
});
