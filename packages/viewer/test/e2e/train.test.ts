/**
 * The Train page in Chromium, served by the viewer and from file://. Training itself is done here
 * by a PLACEHOLDER backend injected by this test (it trains nothing: it reports made-up rows so the
 * page's controls, progress, IndexedDB resume and download can be checked); the real loop is
 * connected through registerTrainBackend. Data: Fashion-MNIST IDX files and a CIFAR-10 tar.gz made
 * by this test, picked through the file input.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_DIR, idx, tempDir } from '../helpers.ts';
import { screenshotBoth, setup, type Setup } from './setup.ts';

/** Installed before the page's scripts: a backend that trains nothing, labelled as such on the page. */
function installPlaceholder(): void {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  type Cfg = { losses: string[]; seeds: number[]; epochs: number; lr: number };
  const name = (l: string) => l.split('=')[0];
  const runs = (c: Cfg) => c.seeds.flatMap((s) => c.losses.map((l) => ({ id: `clean_convnet_${name(l)}_s${s}`, label: l.includes('=') ? name(l) : l.toUpperCase(), seed: s })));
  const row = (e: number, seed: number, lr: number) => ({ epoch: e, train_loss: 2 / e, train_acc: 0.1 * e, test_loss: 2 / e, test_acc: 0.1 * e + 0.01 * seed, f1: 0.1 * e, test_nll: 2 / e, ece: 0.05, lr, seconds: 0.1 });
  (window as unknown as Record<string, unknown>).__LOSSLAB_TEST_BACKEND__ = {
    describe: () => 'PLACEHOLDER backend (test only: trains nothing)',
    runs,
    start(c: Cfg, _data: unknown, cb: Record<string, (e: unknown) => unknown>, resume?: Map<string, { epoch: number }>) {
      let paused = false;
      let stopping = false;
      (window as unknown as Record<string, unknown>).__resumedFrom = Object.fromEntries([...(resume ?? new Map()).entries()].map(([k, v]) => [k, v.epoch]));
      const done = (async () => {
        for (const run of runs(c)) {
          let epochsDone = resume?.get(run.id)?.epoch ?? 0;
          for (let e = epochsDone + 1; e <= c.epochs && !stopping; e++) {
            for (let s = 1; s <= 4; s++) {
              while (paused) await sleep(20);
              await sleep(150);
              cb.onStep({ run, epoch: e, step: s, steps: 4 });
            }
            const rows = Array.from({ length: e }, (_, i) => row(i + 1, run.seed, c.lr));
            const csv = `epoch,train_loss,train_acc,test_loss,test_acc,f1,test_nll,ece,lr,seconds\n${rows.map((r) => Object.values(r).join(',')).join('\n')}\n`;
            await cb.onEpoch({ run, epoch: e, row: rows[e - 1], files: new Map([[`seed_${run.seed}/${run.label}_results.csv`, csv]]), state: new Uint8Array([e]) });
            epochsDone = e;
          }
          await cb.onRunEnd({ run, status: stopping ? 'interrupted' : 'done', epochsDone, error: null });
          if (stopping) break;
        }
      })();
      return { pause() { paused = true; }, resume() { paused = false; }, async stop() { stopping = true; await done; }, done };
    },
  };
}

describe('Train page', { timeout: 180_000 }, () => {
  let s: Setup;
  const tmp = tempDir('losslab-train-e2e-');
  const fashion: string[] = [];
  let cifar = '';

  beforeAll(async () => {
    s = await setup();
    await s.page.context().addInitScript(installPlaceholder);
    // Fashion-MNIST at its real sizes (zeros compress to a few kB), labels 0–9 in turn.
    for (const [name, dims] of [['train-images-idx3-ubyte', [60_000, 28, 28]], ['train-labels-idx1-ubyte', [60_000]], ['t10k-images-idx3-ubyte', [10_000, 28, 28]], ['t10k-labels-idx1-ubyte', [10_000]]] as const) {
      const file = join(tmp.dir, `${name}.gz`);
      writeFileSync(file, gzipSync(idx([...dims], dims.length === 1 ? (i) => i % 10 : () => 0)));
      fashion.push(file);
    }
    // A small cifar-10-binary.tar.gz made with the system's tar: not the official archive.
    const dir = join(tmp.dir, 'c', 'cifar-10-batches-bin');
    mkdirSync(dir, { recursive: true });
    for (const f of ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin']) writeFileSync(join(dir, f), Buffer.alloc(3073 * 2));
    writeFileSync(join(dir, 'batches.meta.txt'), 'airplane\n');
    cifar = join(tmp.dir, 'cifar-10-binary.tar.gz');
    execFileSync('tar', ['-czf', cifar, '-C', join(tmp.dir, 'c'), 'cifar-10-batches-bin']);
  });
  afterAll(async () => { await s?.close(); tmp.remove(); });

  it('checks a picked CIFAR-10 archive in the page and refuses one that is not the original', async () => {
    await s.go('#/train');
    await expect.poll(() => s.page.locator('[data-testid=train-adapter]').textContent().catch(() => null)).toBeTruthy();
    await s.page.setInputFiles('[data-testid=train-file]', cifar);
    await expect.poll(() => s.page.locator('[data-testid=train-data-status]').innerText())
      .toMatch(/cifar-10-binary\.tar\.gz: expected the CIFAR-10 binary archive \(md5 c32a1d4ab5d03f1284b67883e8d87530\), found md5 [0-9a-f]{32}/);
  });

  it('loads picked Fashion-MNIST files, refuses bad settings, trains with pause/resume, resumes after a reload, and downloads the folder', async () => {
    await s.go('#/train');
    const p = s.page;
    await p.selectOption('select[name=dataset]', 'fashion-mnist');
    await p.setInputFiles('[data-testid=train-file]', fashion);
    await expect.poll(() => p.locator('[data-testid=train-data-status]').getAttribute('data-ready')).toBe('fashion-mnist');
    expect(await p.locator('[data-testid=train-data-status]').innerText()).toMatch(/^Fashion-MNIST: 60,000 training and 10,000 test images, checked/);

    await p.fill('[data-testid=train-losses]', 'ce, nosuch');
    await p.click('[data-testid=train-start]');
    await expect.poll(() => p.locator('[data-testid=train-problems]').innerText()).toMatch(/nosuch/);

    await p.fill('[data-testid=train-losses]', 'ce, mine');
    await p.fill('[data-testid=train-definitions]', 'mine=ce + 2*(1-p[y])');
    await p.fill('input[name=seeds]', '0-1');
    await p.fill('input[name=epochs]', '3');
    await p.fill('input[name=trainSubset]', '1000');
    await p.click('[data-testid=train-start]');
    expect(await p.locator('[data-testid=train-problems]').innerText()).toBe('');
    await expect.poll(() => p.locator('[data-testid=train-progress]').innerText()).toMatch(/epoch \d of 3, step \d of 4 · \d+% of the study · ETA .* · on .*PLACEHOLDER backend \(test only: trains nothing\)/);
    await p.click('[data-testid=train-pause]');
    await p.waitForTimeout(300); // a step under way when pausing still reports
    const paused = await p.locator('[data-testid=train-progress]').innerText();
    expect(paused).toMatch(/ — paused$/);
    await p.waitForTimeout(500);
    expect(await p.locator('[data-testid=train-progress]').innerText()).toBe(paused);
    await p.click('[data-testid=train-resume]');
    await expect.poll(() => p.locator('[data-testid=train-chart-test_acc] svg').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await screenshotBoth(p, '20-train-running');

    // Reload mid-study: the finished epochs are in IndexedDB; the page offers to continue.
    await p.reload();
    await p.locator('main h1').waitFor();
    await expect.poll(() => p.locator('[data-testid=train-continue]').count()).toBeGreaterThan(0);
    await p.selectOption('select[name=dataset]', 'fashion-mnist');
    await p.setInputFiles('[data-testid=train-file]', fashion);
    await expect.poll(() => p.locator('[data-testid=train-data-status]').getAttribute('data-ready')).toBe('fashion-mnist');
    await p.locator('[data-testid=train-continue]').first().click();
    // The backend is handed each run's last committed epoch (from IndexedDB), not a fresh start.
    await expect.poll(() => p.evaluate(() => (window as unknown as { __resumedFrom?: Record<string, number> }).__resumedFrom?.clean_convnet_ce_s0 ?? 0)).toBeGreaterThanOrEqual(1);
    await expect.poll(() => p.locator('[data-testid=train-progress]').getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
    expect(await p.locator('[data-testid=train-study]').innerText()).toBe('Study “browser” (continued): fashion-mnist, losses ce, mine=ce + 2*(1-p[y]); seeds 0, 1; 3 epochs, batch 64, lr 0.01, clean data, convnet, 1000 training images.');
    await expect.poll(() => p.locator('[data-testid=train-continue]').count()).toBe(0);
    await screenshotBoth(p, '21-train-done');

    const [dl] = await Promise.all([p.waitForEvent('download'), p.click('[data-testid=train-zip]')]);
    const zip = join(tmp.dir, 'study.zip');
    await dl.saveAs(zip);
    execFileSync('unzip', ['-q', zip, '-d', join(tmp.dir, 'unzipped')]);
    for (const f of ['seed_0/CE_results.csv', 'seed_1/mine_results.csv']) {
      const rows = readFileSync(join(tmp.dir, 'unzipped', 'browser', f), 'utf8').trim().split('\n');
      expect(rows.map((r) => r.split(',')[0])).toEqual(['epoch', '1', '2', '3']);
    }
    const nan = await p.evaluate(() => Array.from(document.querySelectorAll('svg text')).filter((t) => t.getAttribute('x') === 'NaN').map((t) => `${t.closest('section')?.getAttribute('data-testid')}: ${t.outerHTML}`));
    expect(nan).toEqual([]);
    expect(s.errors).toEqual([]);
  });

  it('opens from file:// (the static build) and asks for the data file there', async () => {
    const page = await s.browser.newPage();
    await page.goto(`file://${join(APP_DIR, 'index.html')}#/train`);
    await page.locator('main h1').waitFor();
    expect(await page.locator('main h1').innerText()).toBe('Train');
    expect(await page.locator('[data-testid=train-use-server]').isHidden()).toBe(true);
    expect(await page.locator('[data-testid=train-file]').count()).toBe(1);
    await page.close();
  });

  it('says in one sentence what to do when the browser has no WebGPU', async () => {
    const page = await s.browser.newPage();
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined }));
    await page.goto(`${s.viewer.url}#/train`);
    await expect.poll(() => page.locator('[data-testid=train-gpu]').innerText()).toMatch(/^This browser has no WebGPU: open the page in Chrome or Edge 113 or newer .* or train with the CLI \(npx losslab run\)\.$/);
    await page.close();
  });
});
