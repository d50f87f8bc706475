// The ConvNet against PyTorch 1.13: activations, every loss's value and gradients, SGD+StepLR steps.
// test/fixtures/convnet.json is made by scripts/make_fixtures.py; ../shared/golden/convnet.json, when
// present, is an extra cross-check (it has no Σ|terms| scales, so its sums are held to |expected|).
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { runParity, formatParity, type ParityFixture } from '../src/index.ts';
import { testDevice } from './device.ts';

declare const __LOSSLAB_GOLDEN_DIR__: string;
const GOLDEN = __LOSSLAB_GOLDEN_DIR__ && `${__LOSSLAB_GOLDEN_DIR__}/convnet.json`;
const read = (path: string | URL) => JSON.parse(readFileSync(path, 'utf8')) as ParityFixture;

async function parity(fixture: ParityFixture) {
  const { device } = await testDevice();
  const rows = await runParity(device, fixture);
  console.log(formatParity(rows));
  return rows;
}

// convnet-fashion-mnist.json: Fashion-MNIST's 1×28×28 input, so conv1 reads one channel and fc1 200 features.
describe.each([
  ['convnet.json', [4, 3, 3, 3], [32, 288]],
  ['convnet-fashion-mnist.json', [4, 1, 3, 3], [32, 200]],
])('parity with PyTorch (test/fixtures/%s)', (file, conv1, fc1) => {
  it('every activation, loss, gradient and SGD step is within tolerance, sums against Σ|terms|', async () => {
    const fixture = read(new URL(`./fixtures/${file}`, import.meta.url));
    expect(fixture.params['conv1.weight'].shape).toEqual(conv1);
    expect(fixture.params['fc1.weight'].shape).toEqual(fc1);
    const rows = await parity(fixture);
    expect(rows.length).toBeGreaterThan(80);
    expect(rows.filter((r) => r.tolerance === 'sum').length).toBeGreaterThan(60);
    expect(rows.filter((r) => !r.pass).map((r) => `${r.group} ${r.name}`)).toEqual([]);
  });
});

if (!GOLDEN || !existsSync(GOLDEN)) console.warn('[nn] golden cross-check skipped: no ../shared/golden/convnet.json (set LOSSLAB_GOLDEN_DIR)');
describe.skipIf(!GOLDEN || !existsSync(GOLDEN))('optional cross-check: ../shared/golden/convnet.json', () => {
  it('every quantity is within tolerance', async () => {
    const rows = await parity(read(GOLDEN));
    expect(rows.filter((r) => !r.pass).map((r) => `${r.group} ${r.name}`)).toEqual([]);
  });
});
