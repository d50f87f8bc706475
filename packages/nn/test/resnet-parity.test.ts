// ResNet-8 and ResNet-20 against fixtures from the repository's PyTorch module
// (scripts/make_resnet_fixture.py): train-mode activations, five losses' values and gradients
// (parameters and input), three SGD steps with weight decay and the BatchNorm running
// statistics, eval-mode logits.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runParity, formatParity, type ParityFixture } from '../src/index.ts';
import { testDevice } from './device.ts';

// resnet8-cifar100.json: CIFAR-100's shape, 100 classes (the linear layer 64→100, the losses over 100 logits).
describe.each([
  ['resnet8', 'resnet8.json', 10],
  ['resnet20', 'resnet20.json', 10],
  ['resnet8', 'resnet8-cifar100.json', 100],
])('parity of %s with PyTorch 1.13 (test/fixtures/%s)', (arch, file, classes) => {
  it('every activation, loss, gradient, SGD step, running statistic and eval output is within tolerance', async () => {
    const fixture = JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')) as ParityFixture;
    expect(fixture.arch).toBe(arch);
    expect(fixture.params['linear.weight'].shape).toEqual([classes, 64]);
    const { device } = await testDevice();
    const rows = await runParity(device, fixture);
    const failed = rows.filter((r) => !r.pass);
    if (failed.length) console.log(formatParity(rows));
    for (const group of ['activation', 'loss ce', 'loss l1-logits', 'loss gce:0.7', 'sgd step 3', 'eval']) expect(rows.some((r) => r.group === group), group).toBe(true);
    expect(rows.some((r) => r.name.endsWith('running_var')), 'running statistics checked').toBe(true);
    expect(rows.some((r) => r.group === 'eval' && r.name === 'saliency'), 'eval-mode saliency checked').toBe(true);
    expect(failed.map((r) => `${r.group} ${r.name} (max abs ${r.maxAbs.toExponential(2)})`)).toEqual([]);
  });
});
