/** `losslab report`'s HTML opened from disk (file://) in Chromium: every page and chart, no server. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/render/index.ts';
import { APP_DIR, FIXTURE, tempDir } from '../helpers.ts';
import { CHROMIUM_ARGS, DESKTOP, ensureBuilt, screenshot, splitSeed } from './setup.ts';

describe('losslab report: one HTML file that opens from disk', { timeout: 60_000 }, () => {
  const tmp = tempDir();
  let browser: Browser;
  beforeAll(async () => {
    await ensureBuilt();
    browser = await chromium.launch({ executablePath: process.env.LOSSLAB_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    tmp.remove();
  });

  async function open(file: string) {
    const page = await browser.newPage({ viewport: DESKTOP });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${file}`);
    return { page, errors, requests };
  }

  it('shows the study with its charts, reading nothing but itself', async () => {
    const file = join(tmp.dir, 'report.html');
    await writeReport(APP_DIR, [FIXTURE], file, 'fixture study');
    const { page, errors, requests } = await open(file);
    // A report opens on the results.
    await page.locator('[data-testid=summary-clean-convnet]').waitFor({ timeout: 15_000 });
    expect(page.url()).toMatch(/#\/s\/\/summary$/);
    expect(await page.locator('header .source').innerText()).toContain('report “fixture study”');
    await page.locator('a', { hasText: 'Overview' }).click();
    await expect.poll(() => page.locator('[data-testid=runs-table] tbody tr').count()).toBe(4);
    await page.locator('a', { hasText: 'Curves' }).click();
    await page.locator('[data-testid=curve-test_acc] svg.chart-main').waitFor();
    expect(await page.locator('svg.chart-main').count()).toBe(7);
    expect(await page.locator('[data-testid=curve-test_acc] g[aria-description=mean] path').count()).toBe(2);
    await screenshot(page, '30-report-curves');
    await page.locator('a', { hasText: 'Summary' }).click();
    await page.locator('[data-testid=summary-clean-convnet]').waitFor();
    await page.locator('nav a', { hasText: 'CE' }).first().click();
    await page.locator('[data-testid=chart-confusion] svg.chart-main').waitFor();
    expect(requests.every((u) => u.startsWith('file://') || u.startsWith('data:'))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the committed measurement folders (seven parts of the default study) as one report', async () => {
    const measured = fileURLToPath(new URL('../../../../docs/measurements/default-study/losslab', import.meta.url));
    const dirs = readdirSync(measured).map((d) => join(measured, d));
    const file = join(tmp.dir, 'measured.html');
    await writeReport(APP_DIR, dirs, file, 'default study');
    const { page, errors } = await open(file);
    await expect.poll(() => page.locator('[data-testid=study-status]').textContent(), { timeout: 15_000 }).toBe('done');
    await page.locator('a', { hasText: 'Summary' }).click();
    const ce = page.locator('[data-testid=summary-clean-convnet] tr[data-label=CE] td[data-metric=test_acc] .main');
    await expect.poll(() => ce.innerText()).toContain('0.5971 ± 0.0025'); // as docs/measurements/default-study/summary.md
    // Holm's correction across the table, as \`losslab summary\` computes it for these folders (Focal2 vs CE: p 0.044, Holm 0.309).
    const focal2 = page.locator('[data-testid=summary-clean-convnet] tr[data-label=Focal2] td[data-metric=test_acc] .diff');
    expect(await focal2.innerText()).toMatch(/^Δ vs CE −0\.0154\n95% CI \[-?\d\.\d{4}, -?\d\.\d{4}\]\np = 0\.044, Holm = 0\.309$/);
    expect(await focal2.getAttribute('class')).not.toContain('significant');
    const l1logits = page.locator('[data-testid=summary-clean-convnet] tr[data-label=L1logits] td[data-metric=test_acc] .diff');
    expect(await l1logits.innerText()).toContain('2 seeds: not tested');
    expect(await l1logits.innerText()).toContain('95% t-CI');
    // L1-logits is at chance: its ECE wins nothing.
    expect(await page.locator('[data-testid=summary-clean-convnet] tr[data-label=L1logits] td.best').count()).toBe(0);
    await page.locator('a', { hasText: 'Curves' }).click();
    await page.locator('[data-testid=curve-test_acc] svg.chart-main').waitFor();
    expect(await page.locator('[data-testid=curve-test_acc] g[aria-description=mean] path').count()).toBe(5);
    await screenshot(page, '31-report-measured-curves');
    // Log scale: tick labels over the whole range, above 1 (L1's cross-entropy near 10) and below the lowest curve.
    await page.locator('[data-testid=log-losses]').check();
    const nll = page.locator('[data-testid=curve-test_nll]');
    await expect.poll(() => nll.locator('h2').textContent()).toContain('(log)');
    const ticks = (await nll.locator('g[aria-label="y-axis tick label"] text').allTextContents()).map(Number);
    const means = await nll.locator('g[aria-description=mean] path').count();
    expect(means).toBe(5);
    expect(Math.min(...ticks)).toBeLessThanOrEqual(1); // CE ends near 1.13
    expect(Math.max(...ticks)).toBeGreaterThanOrEqual(10); // L1 reaches 10.2
    expect(ticks.filter((t) => t > 1 && t < 10).length).toBeGreaterThanOrEqual(1);
    await screenshot(page, '32-report-measured-log', false);
    // 30 epochs on a phone: no two x-tick labels run together ("28" and "30" used to read "2830").
    const wide = await page.locator('[data-testid=curve-test_acc] svg.chart-main').getAttribute('width');
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.locator('[data-testid=curve-test_acc] svg.chart-main').getAttribute('width')).not.toBe(wide); // redrawn for the phone
    const overlaps = await page.locator('svg.chart-main').evaluateAll((svgs) => svgs.flatMap((svg) => {
      const boxes = Array.from(svg.querySelectorAll('g[aria-label="x-axis tick label"] text'), (t) => t.getBoundingClientRect());
      return boxes.slice(1).filter((b, i) => b.left < boxes[i].right + 2).map(() => svg.getAttribute('aria-label'));
    }));
    expect(overlaps).toEqual([]);
    expect(await page.locator('[data-testid=curve-test_acc] g[aria-label="x-axis tick label"] text').allTextContents()).toContain('30');
    await screenshot(page, '33-report-measured-phone', false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('several folders: merged in the report as in the viewer', async () => {
    splitSeed(join(tmp.dir, 'seed-a'), 0);
    splitSeed(join(tmp.dir, 'seed-b'), 1);
    const file = join(tmp.dir, 'merged.html');
    await writeReport(APP_DIR, [join(tmp.dir, 'seed-a'), join(tmp.dir, 'seed-b')], file);
    const { page, errors } = await open(file);
    await expect.poll(() => page.locator('[data-testid=comparison]').innerText(), { timeout: 15_000 }).toMatch(/merged/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
