import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, screenshotBoth, setup, type Setup } from './setup.ts';

describe('kernel-check page', { timeout: 180_000 }, () => {
  let s: Setup;
  beforeAll(async () => { s = await setup(); });
  afterAll(async () => { await s?.close(); });

  it('runs the kernels\' test tables on the browser\'s WebGPU adapter and every case passes', async () => {
    await s.page.goto(`${s.viewer.url}#/kernels`);
    const status = s.page.locator('[data-testid=kernel-status]');
    await expect.poll(() => status.getAttribute('data-done').catch(() => null), { timeout: 150_000, interval: 500 }).not.toBeNull();
    await screenshot(s.page, '15-kernel-check', false);
    const failed = await s.page.locator('[data-testid=kernel-table] tr[data-result=fail]').allInnerTexts();
    expect(failed).toEqual([]);
    const rows = await s.page.locator('[data-testid=kernel-table] tr[data-result=pass]').count();
    expect(rows).toBeGreaterThan(0);
    expect(await status.textContent()).toBe(`${rows} passed, 0 failed (${rows} cases).`);
    expect(await s.page.locator('[data-testid=kernel-adapter]').innerText()).toMatch(/browser/);
    expect(s.errors).toEqual([]);
    await screenshotBoth(s.page, '15-kernel-check'); // a resize redraws no kernel page (the check is not restarted)
    expect(await s.page.locator('[data-testid=kernel-table] tr[data-result=pass]').count()).toBe(rows);
  });
});
