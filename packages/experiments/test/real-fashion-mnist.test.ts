// `losslab run --dataset fashion-mnist` on Debian's real files (dataset-fashion-mnist, which
// scripts/setup.sh installs): one epoch on a 4,000-image subset with the real engine on the WebGPU
// adapter, then the files a run writes. Skipped, saying so, where the package is not installed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../src/program.ts';
import { read, readJson } from './helpers/study.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();
const DEBIAN = '/usr/share/datasets/fashion-mnist';
const there = existsSync(join(DEBIAN, 'train-images-idx3-ubyte.gz'));
if (!there) console.warn(`[experiments] real Fashion-MNIST run skipped: no ${DEBIAN} (bash scripts/setup.sh installs dataset-fashion-mnist)`);

describe.skipIf(!there)("a short run on the real Fashion-MNIST (Debian's files)", () => {
  it('trains the ConvNet on 1×28×28 images for one epoch and writes the study files', async () => {
    const out = join(await tmp(), 'fm');
    const log = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const code = await main(['node', 'losslab', 'run', '--dataset', 'fashion-mnist', '--losses', 'ce', '--seeds', '0', '--epochs', '1',
      '--train-subset', '4000', '--lr', '0.05', '--out', out, '--json'], { env: {} }).finally(() => log.mockRestore());
    expect(code).toBe(0);
    const study = await readJson(out, 'study.json');
    expect(study).toMatchObject({ status: 'done', classNames: expect.arrayContaining(['Ankle boot']) });
    expect(study.datasets['fashion-mnist']).toMatchObject({ channels: 1, height: 28, width: 28, trainSize: 60_000, testSize: 10_000 });
    const csv = (await read(out, 'fashion-mnist_clean_convnet/seed_0/CE_results.csv')).trim().split('\n');
    const row = csv[1].split(',').map(Number);
    expect(row.every(Number.isFinite)).toBe(true);
    expect(row[4]).toBeGreaterThan(0.4); // test accuracy: well above chance (0.1) after one epoch on 4,000 images (0.65 seen)
    const final = await readJson(out, 'fashion-mnist_clean_convnet/seed_0/CE_final.json');
    expect(final.dataset).toBe('fashion-mnist');
    expect(final.perClass.map((c: { support: number }) => c.support)).toEqual(new Array(10).fill(1000));
    const sal = await readJson(out, final.saliency);
    expect(sal).toMatchObject({ height: 28, width: 28, dataset: 'fashion-mnist' });
    expect(sal.images[0].map).toHaveLength(784);
    expect(Buffer.from(sal.images[0].rgb, 'base64')).toHaveLength(784 * 3);
  }, 600_000);
});
