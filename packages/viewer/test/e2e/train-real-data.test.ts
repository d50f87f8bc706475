/**
 * The Train page reading real CIFAR-10 and Fashion-MNIST from `losslab view`'s server (the shared
 * data folder and Debian's Fashion-MNIST); skipped, saying so, where they are not on the machine.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { describe, expect, it } from 'vitest';
import { startViewer } from '../../src/server/index.ts';
import { APP_DIR, copyFixture, tempDir } from '../helpers.ts';
import { CHROMIUM_ARGS, ensureBuilt } from './setup.ts';

const CIFAR = fileURLToPath(new URL('../../../../../shared/data/cifar-10-batches-bin', import.meta.url));
const FASHION = '/usr/share/datasets/fashion-mnist';
const have = existsSync(CIFAR) && existsSync(FASHION);

describe.skipIf(!have)(`Train page on the real data sets served by the viewer${have ? '' : ' (skipped: ../shared/data/cifar-10-batches-bin or Debian\'s fashion-mnist is missing)'}`, { timeout: 180_000 }, () => {
  it('loads and checks CIFAR-10 and Fashion-MNIST from the server', async () => {
    await ensureBuilt();
    const tmp = tempDir();
    copyFixture(tmp.dir);
    const cifarFiles = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin', 'batches.meta.txt'];
    const fashionFiles = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'].flatMap((f) => [`${f}.gz`, f]);
    const viewer = await startViewer({ resultsDir: tmp.dir, appDir: APP_DIR, port: 0, datasets: [{ name: 'cifar10', dir: CIFAR, files: cifarFiles }, { name: 'fashion-mnist', dir: FASHION, files: fashionFiles }] });
    const browser = await chromium.launch({ executablePath: process.env.LOSSLAB_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.goto(`${viewer.url}#/train`);
      await page.locator('[data-testid=train-use-server]:visible').click();
      await expect.poll(() => page.locator('[data-testid=train-data-status]').getAttribute('data-ready'), { timeout: 120_000 }).toBe('cifar10');
      expect(await page.locator('[data-testid=train-data-status]').innerText()).toMatch(/^CIFAR-10: 50,000 training and 10,000 test images, checked/);
      await page.selectOption('select[name=dataset]', 'fashion-mnist');
      await page.locator('[data-testid=train-use-server]:visible').click();
      await expect.poll(() => page.locator('[data-testid=train-data-status]').getAttribute('data-ready'), { timeout: 120_000 }).toBe('fashion-mnist');
      expect(await page.locator('[data-testid=train-data-status]').innerText()).toMatch(/^Fashion-MNIST: 60,000 training and 10,000 test images, checked/);
    } finally {
      await browser.close();
      await viewer.close();
      tmp.remove();
    }
  });
});
