/**
 * Same numbers as Node: one tiny study (Fashion-MNIST-shaped files made here, 1,000 training
 * images, 1 epoch, losses ce and focal:2, seed 0) trained through the Train page in headless
 * Chromium (the real backend: the CLI's GPU engine on the page's WebGPU device) and with
 * `losslab run` in Node, then the two results CSVs compared column by column, `seconds` aside.
 * The downloaded folder is also read by `losslab summary`, unchanged.
 *
 * Both sides run the same WGSL through the same plan. Measured here: the CSVs are identical
 * to the last digit (largest relative difference 0; the log line "Chromium vs Node" prints it and
 * both adapters on every run), so TOLERANCE is 0. Were the two adapters to differ (another
 * Chromium's SwiftShader, another Mesa's lavapipe), float32 results could differ in the last
 * bits (fused multiply-add, the order of a workgroup's partial sums, exp/log precision): this
 * test then fails naming the column and both values, and TOLERANCE is where to bound it.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idx, tempDir } from '../helpers.ts';
import { screenshotBoth, setup, type Setup } from './setup.ts';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const CLI = join(ROOT, 'packages/experiments/bin/losslab.js');
/** Largest relative difference allowed between Chromium's and Node's value of any metric. */
const TOLERANCE = 0;

/** A Fashion-MNIST-shaped data set at the real sizes: each image a stripe pattern set by its class (learnable, and it compresses to little). */
function makeData(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const px = 28 * 28;
  const label = (k: number) => (k * 7 + (k >> 3)) % 10;
  const image = (i: number) => { const k = Math.floor(i / px); const p = i % px; const c = label(k); return ((p % 28) * (c + 1) * 9 + Math.floor(p / 28) * c * 5 + (k % 5) * 3) & 255; };
  const files: string[] = [];
  for (const [name, n, kind] of [['train-images-idx3-ubyte', 60_000, 'images'], ['train-labels-idx1-ubyte', 60_000, 'labels'], ['t10k-images-idx3-ubyte', 10_000, 'images'], ['t10k-labels-idx1-ubyte', 10_000, 'labels']] as const) {
    const file = join(dir, `${name}.gz`);
    writeFileSync(file, gzipSync(kind === 'images' ? idx([n, 28, 28], image) : idx([n], label), { level: 1 }));
    files.push(file);
  }
  return files;
}

/** The study's results CSVs by path relative to the study folder. */
function csvs(dir: string): Map<string, Record<string, number>[]> {
  const out = new Map<string, Record<string, number>[]>();
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('_results.csv')) {
        const [head, ...rows] = readFileSync(p, 'utf8').trim().split('\n').map((l) => l.split(','));
        out.set(relative(dir, p), rows.map((r) => Object.fromEntries(head.map((h, i) => [h, Number(r[i])]))));
      }
    }
  };
  walk(dir);
  return out;
}

/** Asserts the two study folders' CSVs equal but `seconds` (within TOLERANCE), printing the largest difference and both adapters. */
function compareCsvs(nodeOut: string, browserOut: string): void {
  const node = csvs(nodeOut);
  const browser = csvs(browserOut);
  expect([...browser.keys()].sort()).toEqual([...node.keys()].sort());
  expect(node.size).toBe(2);
  let worst = { rel: 0, where: '' };
  for (const [file, rows] of node) {
    const other = browser.get(file)!;
    expect(other.length).toBe(rows.length);
    rows.forEach((row, i) => {
      for (const [col, v] of Object.entries(row)) {
        if (col === 'seconds') continue;
        const w = other[i][col];
        expect(Number.isFinite(w), `${file} ${col}`).toBe(Number.isFinite(v));
        const rel = Math.abs(w - v) / Math.max(Math.abs(v), 1e-12);
        if (rel > worst.rel) worst = { rel, where: `${file} epoch ${row.epoch} ${col}: Chromium ${w}, Node ${v}` };
      }
    });
  }
  const adapter = (d: string) => JSON.parse(readFileSync(join(d, 'study.json'), 'utf8')).adapter?.summary ?? '?';
  console.log(`Chromium vs Node: largest relative difference ${worst.rel.toExponential(2)}${worst.where ? ` (${worst.where})` : ' (identical)'}; Chromium on ${adapter(browserOut)}, Node on ${adapter(nodeOut)}`);
  expect(worst.rel, worst.where).toBeLessThanOrEqual(TOLERANCE);
}

describe('Train page vs the CLI: the same study, the same numbers', { timeout: 240_000 }, () => {
  let s: Setup;
  const tmp = tempDir('losslab-train-parity-');
  let files: string[] = [];
  beforeAll(async () => {
    files = makeData(join(tmp.dir, 'data'));
    s = await setup();
  });
  afterAll(async () => { await s?.close(); tmp.remove(); });

  it('trains ce and focal:2 in Chromium and in Node to CSVs equal but for seconds (to the last digit)', async () => {
    // Node: the CLI, on its own adapter.
    const nodeOut = join(tmp.dir, 'node');
    execFileSync(process.execPath, [CLI, 'run', '--dataset', 'fashion-mnist', '--data-dir', join(tmp.dir, 'data'), '--losses', 'ce,focal:2', '--seeds', '0',
      '--epochs', '1', '--train-subset', '1000', '--out', nodeOut], { cwd: ROOT, stdio: 'pipe', timeout: 180_000 });

    // Chromium: the Train page with the same settings (the rest are both sides' defaults).
    const p = s.page;
    await s.go('#/train');
    await p.selectOption('select[name=dataset]', 'fashion-mnist');
    await p.setInputFiles('[data-testid=train-file]', files);
    await expect.poll(() => p.locator('[data-testid=train-data-status]').getAttribute('data-ready'), { timeout: 60_000 }).toBe('fashion-mnist');
    await p.fill('[data-testid=train-losses]', 'ce, focal:2');
    await p.fill('input[name=seeds]', '0');
    await p.fill('input[name=epochs]', '1');
    await p.fill('input[name=trainSubset]', '1000');
    await p.click('[data-testid=train-start]');
    expect(await p.locator('[data-testid=train-problems]').innerText()).toBe('');
    await expect.poll(() => p.locator('[data-testid=train-progress]').getAttribute('data-state'), { timeout: 180_000 }).toBe('done');
    await expect.poll(() => p.locator('[data-testid=train-chart-test_acc] svg').count()).toBeGreaterThan(0);
    await screenshotBoth(p, '22-train-real-done');
    const [dl] = await Promise.all([p.waitForEvent('download'), p.click('[data-testid=train-zip]')]);
    const zip = join(tmp.dir, 'study.zip');
    await dl.saveAs(zip);
    execFileSync('unzip', ['-q', zip, '-d', join(tmp.dir, 'unzipped')]);
    const browserOut = join(tmp.dir, 'unzipped', 'browser');

    // The same study: configuration equal but its name.
    const config = (d: string) => { const { name: _n, ...c } = JSON.parse(readFileSync(join(d, 'study.json'), 'utf8')).config; return c; };
    expect(config(browserOut)).toEqual(config(nodeOut));

    compareCsvs(nodeOut, browserOut);

    // The downloaded folder is a study folder the CLI reads unchanged.
    const summary = execFileSync(process.execPath, [CLI, 'summary', browserOut], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(summary).toMatch(/CE/);
    expect(s.errors).toEqual([]);
  });

  it('stops after epoch 1, reloads, continues from IndexedDB, and ends with the CSVs of an uninterrupted 2-epoch run in Node', async () => {
    const nodeOut = join(tmp.dir, 'node2');
    execFileSync(process.execPath, [CLI, 'run', '--dataset', 'fashion-mnist', '--data-dir', join(tmp.dir, 'data'), '--losses', 'ce,focal:2', '--seeds', '0',
      '--epochs', '2', '--train-subset', '1000', '--out', nodeOut], { cwd: ROOT, stdio: 'pipe', timeout: 180_000 });
    const p = s.page;
    const load = async () => {
      await p.selectOption('select[name=dataset]', 'fashion-mnist');
      await p.setInputFiles('[data-testid=train-file]', files);
      await expect.poll(() => p.locator('[data-testid=train-data-status]').getAttribute('data-ready'), { timeout: 60_000 }).toBe('fashion-mnist');
    };
    await p.goto('about:blank'); // a fresh Train page, not the previous test's
    await s.go('#/train');
    await load();
    await p.fill('input[name=name]', 'resumed');
    await p.fill('[data-testid=train-losses]', 'ce, focal:2');
    await p.fill('input[name=seeds]', '0');
    await p.fill('input[name=epochs]', '2');
    await p.fill('input[name=trainSubset]', '1000');
    // Stop as soon as epoch 1 reports progress, from inside the page (a poll from here could miss a short epoch): it stops after epoch 1.
    await p.evaluate(() => {
      const progress = document.querySelector('[data-testid=train-progress]')!;
      const observer = new MutationObserver(() => {
        if (!/epoch 1 of 2, step/.test(progress.textContent ?? '')) return;
        observer.disconnect();
        (document.querySelector('[data-testid=train-stop]') as HTMLButtonElement).click();
      });
      observer.observe(progress, { childList: true, characterData: true, subtree: true });
    });
    await p.click('[data-testid=train-start]');
    await expect.poll(() => p.locator('[data-testid=train-progress]').getAttribute('data-state'), { timeout: 120_000 }).toBe('stopped');
    expect(await p.locator('[data-testid=train-progress]').innerText()).toBe('Stopped after the last finished epoch; it resumes from there.');

    await p.reload();
    await p.locator('main h1').waitFor();
    await expect.poll(() => p.locator('[data-testid=train-continue]').count()).toBeGreaterThan(0);
    await load();
    await p.locator('[data-testid=train-continue]').first().click();
    await expect.poll(() => p.locator('[data-testid=train-study]').innerText()).toMatch(/^Study “resumed” \(continued\)/);
    await expect.poll(() => p.locator('[data-testid=train-progress]').getAttribute('data-state'), { timeout: 180_000 }).toBe('done');
    const [dl] = await Promise.all([p.waitForEvent('download'), p.click('[data-testid=train-zip]')]);
    const zip = join(tmp.dir, 'resumed.zip');
    await dl.saveAs(zip);
    execFileSync('unzip', ['-q', zip, '-d', join(tmp.dir, 'unzipped2')]);
    const browserOut = join(tmp.dir, 'unzipped2', 'resumed');
    const study = JSON.parse(readFileSync(join(browserOut, 'study.json'), 'utf8'));
    expect(study.status).toBe('done');
    expect(study.runs.map((r: { status: string; epochsDone: number }) => [r.status, r.epochsDone])).toEqual([['done', 2], ['done', 2]]);
    compareCsvs(nodeOut, browserOut);
    expect(s.errors).toEqual([]);
  });
});
