// The golden ConvNet fixture (PyTorch 1.13): activations, five losses' values and gradients, SGD+StepLR steps.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runParity, formatParity, type ParityFixture } from '../src/index.ts';
import { testDevice } from './device.ts';

declare const __LOSSLAB_GOLDEN_DIR__: string;

describe('parity with ../shared/golden/convnet.json', () => {
  it('every activation, loss, gradient and SGD step is within tolerance', async () => {
    const fixture = JSON.parse(readFileSync(`${__LOSSLAB_GOLDEN_DIR__}/convnet.json`, 'utf8')) as ParityFixture;
    const { device } = await testDevice();
    const rows = await runParity(device, fixture);
    console.log(formatParity(rows));
    expect(rows.length).toBeGreaterThan(60);
    expect(rows.filter((r) => !r.pass).map((r) => `${r.group} ${r.name}`)).toEqual([]);
  });
});
