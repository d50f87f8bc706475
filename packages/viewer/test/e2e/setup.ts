/**
 * End-to-end setup: builds the app when dist is missing or older than src, lays out a results
 * folder of study variants (the fixture, live, malformed, saliency gaps), starts the viewer server and Chromium.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';
import { build } from 'vite';
import { startViewer, type Viewer } from '../../src/server/index.ts';
import { APP_DIR, copyFixture, tempDir } from '../helpers.ts';

const PKG = fileURLToPath(new URL('../..', import.meta.url));
export const ARTIFACTS = join(PKG, 'test-artifacts');

/** Chromium flags of packages/kernels/vitest.config.ts (WebGPU on SwiftShader, headless, quiet). */
export const CHROMIUM_ARGS = ['--enable-unsafe-webgpu', '--ignore-gpu-blocklist', '--disable-gpu-sandbox',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function newest(dir: string): number {
  return Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) =>
    e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs));
}

let building: Promise<unknown> | undefined;
export async function ensureBuilt(): Promise<void> {
  const index = join(APP_DIR, 'index.html');
  const stale = !existsSync(index) || statSync(index).mtimeMs < Math.max(newest(join(PKG, 'src')), statSync(join(PKG, 'index.html')).mtimeMs);
  if (stale) building ??= build({ root: PKG, configFile: join(PKG, 'vite.config.ts'), logLevel: 'warn' });
  await building;
}

const HEADER = 'epoch,train_loss,train_acc,test_loss,test_acc,f1,test_nll,ece,lr,seconds';

export function readJson<T = any>(file: string): T { // eslint-disable-line @typescript-eslint/no-explicit-any
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** A running study: every run stopped after `epochs` epochs, no finals or summary yet. */
export function makeRunning(dir: string, epochs: number, full: string): void {
  const study = readJson(join(full, 'study.json'));
  study.status = 'running';
  study.endedAt = null;
  for (const r of study.runs) {
    r.status = epochs >= r.epochs ? 'done' : 'running';
    r.epochsDone = epochs;
    const lines = readFileSync(join(full, r.csv), 'utf8').trimEnd().split('\n');
    mkdirSync(join(dir, r.csv, '..'), { recursive: true });
    writeFileSync(join(dir, r.csv), lines.slice(0, epochs + 1).join('\n') + '\n');
    if (epochs >= r.epochs) writeFileSync(join(dir, r.final), readFileSync(join(full, r.final)));
  }
  writeFileSync(join(dir, 'study.json'), JSON.stringify(study, null, 2));
}

/** A copy of the fixture that holds only one seed's runs (as `losslab run --seeds S` writes it). */
export function splitSeed(dir: string, seed: number): void {
  copyFixture(dir);
  const study = readJson(join(dir, 'study.json'));
  rmSync(join(dir, 'summary.json'));
  rmSync(join(dir, 'summary.md'));
  for (const r of study.runs) if (r.seed !== seed) rmSync(join(dir, r.csv, '..'), { recursive: true, force: true });
  writeFileSync(join(dir, 'study.json'), JSON.stringify({ ...study, config: { ...study.config, seeds: [seed] }, runs: study.runs.filter((r: { seed: number }) => r.seed === seed) }));
}

export interface Setup {
  results: string;
  viewer: Viewer;
  browser: Browser;
  page: Page;
  /** Uncaught page errors and console errors seen so far. */
  errors: string[];
  /** URLs answered 404 (every poll used to ask for files that do not exist). */
  notFound: string[];
  /** Opens a route of the viewer and waits for its page heading. */
  go(hash: string): Promise<void>;
  close(): Promise<void>;
}

export async function setup(): Promise<Setup> {
  await ensureBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  const tmp = tempDir();
  const results = tmp.dir;
  copyFixture(join(results, 'study'));
  mkdirSync(join(results, 'live'));
  makeRunning(join(results, 'live'), 2, join(results, 'study'));
  // Malformed variants.
  copyFixture(join(results, 'cut-csv'));
  const cut = readFileSync(join(results, 'cut-csv/seed_0/CE_results.csv'), 'utf8');
  writeFileSync(join(results, 'cut-csv/seed_0/CE_results.csv'), cut.slice(0, cut.lastIndexOf(',') - 3));
  writeFileSync(join(results, 'cut-csv/seed_1/Focal2_results.csv'), `${HEADER}\n1,2.1,0.2\n2,2.0,0.3,1.8,0.4,0.4,1.8,0.05,0.01,40\n`);
  copyFixture(join(results, 'bad-json'));
  const sj = readFileSync(join(results, 'bad-json/study.json'), 'utf8');
  writeFileSync(join(results, 'bad-json/study.json'), sj.slice(0, Math.floor(sj.length / 2)));
  mkdirSync(join(results, 'no-runs'));
  writeFileSync(join(results, 'no-runs/study.json'), JSON.stringify({ ...readJson(join(results, 'study/study.json')), status: 'running', runs: [], endedAt: null }));
  copyFixture(join(results, 'bad-final'));
  writeFileSync(join(results, 'bad-final/seed_0/CE_final.json'), '{"loss": "ce", "confusion": [[1, 2], ');
  // Saliency gaps, derived from the real fixture: seed 1's Focal2 run predates saliency maps (its
  // final.json names none and there is no file); seed 0's Focal2 file is gone although final.json names it.
  copyFixture(join(results, 'saliency-gaps'));
  const old = readJson(join(results, 'saliency-gaps/seed_1/Focal2_final.json'));
  rmSync(join(results, 'saliency-gaps', old.saliency));
  writeFileSync(join(results, 'saliency-gaps/seed_1/Focal2_final.json'), JSON.stringify({ ...old, saliency: null }, null, 2));
  rmSync(join(results, 'saliency-gaps', readJson(join(results, 'saliency-gaps/seed_0/Focal2_final.json')).saliency));

  // A finished study whose summary.json is missing.
  copyFixture(join(results, 'no-summary'));
  rmSync(join(results, 'no-summary/summary.json'));
  // Parts of one study run separately (seed 0 and seed 1), and the study with another batch size.
  for (const [name, seed] of [['part-a', 0], ['part-b', 1]] as const) splitSeed(join(results, name), seed);
  copyFixture(join(results, 'bs128'));
  const bs = readJson(join(results, 'bs128/study.json'));
  writeFileSync(join(results, 'bs128/study.json'), JSON.stringify({ ...bs, config: { ...bs.config, batchSize: 128 } }));
  // A third copy at another learning rate: with study (lr 0.01, batch 64) and bs128 (lr 0.01, batch 128), three settings.
  copyFixture(join(results, 'lr02'));
  writeFileSync(join(results, 'lr02/study.json'), JSON.stringify({ ...bs, config: { ...bs.config, lr: 0.02 }, gitCommit: 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed' }));

  const viewer = await startViewer({ resultsDir: results, appDir: APP_DIR, port: 0 });
  const browser = await chromium.launch({ executablePath: process.env.LOSSLAB_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  const notFound: string[] = [];
  page.on('response', (r) => { if (r.status() === 404) notFound.push(r.url()); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(`console: ${m.text()}`); });
  return {
    results, viewer, browser, page, errors, notFound,
    async go(hash: string) {
      await page.goto(`${viewer.url}${hash}`);
      await page.locator('main h1').waitFor();
    },
    async close() {
      await browser.close().catch(() => undefined);
      await viewer.close().catch(() => undefined);
      tmp.remove();
    },
  };
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
}

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** How the page fits a viewport: page width beyond the screen, header height. */
export async function layoutOf(page: Page): Promise<{ overflow: number; header: number }> {
  return page.evaluate(() => ({
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    header: document.querySelector('header.top')?.getBoundingClientRect().height ?? 0,
  }));
}

/**
 * Screenshots at 1440×900 and 390×844 (`<name>-desktop.png`, `<name>-phone.png`), after the page
 * redrew for each width; returns the phone layout so tests can check nothing is off-screen.
 */
export async function screenshotBoth(page: Page, name: string): Promise<{ overflow: number; header: number }> {
  await page.setViewportSize(DESKTOP);
  await page.waitForTimeout(400); // the app redraws charts 150 ms after a resize
  await screenshot(page, `${name}-desktop`);
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(400);
  await screenshot(page, `${name}-phone`);
  const phone = await layoutOf(page);
  await page.setViewportSize(DESKTOP);
  await page.waitForTimeout(400);
  return phone;
}

/** The data-testid (or tag) of the focused element. */
export const focused = (page: Page): Promise<string | null> =>
  page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.getAttribute('data-focus-key') ?? document.activeElement?.tagName ?? null);
