/** The Train form's checks: the CLI's settings, losses through the kernels' loss compiler, and the adapter's limits before start. */
import { describe, expect, it } from 'vitest';
import { CIFAR10_SPEC } from '@losslab/experiments/browser';
import { REQUIRED_LIMITS } from '@losslab/kernels';
import { defaultForm, trainConfig } from '../../src/train/config.ts';
import { adapterName, checkWebGpu, limitsProblem, NO_ADAPTER, NO_WEBGPU } from '../../src/train/gpu.ts';

describe('Train form', () => {
  it('turns the default form into the CLI\'s configuration', () => {
    const r = trainConfig(defaultForm());
    if (!('config' in r)) throw new Error(r.problems.join('\n'));
    expect(r.config).toMatchObject({ name: 'browser', losses: ['ce', 'focal:0.5', 'focal:2', 'l1'], seeds: [0], epochs: 3, batchSize: 64, lr: 0.01,
      schedule: { type: 'step', stepSize: 10, gamma: 0.5 }, data: ['clean'], arch: ['convnet'], dataset: ['cifar10'], trainSubset: 5000, momentum: 0.9, definitions: [] });
    expect(r.config).not.toHaveProperty('outDir');
  });

  it('compiles the user\'s losses and keeps their definition lines', () => {
    const r = trainConfig({ ...defaultForm(), losses: 'ce, mypoly, gce:0.7', definitions: '# mine\nmypoly=ce + 2*(1-p[y])', seeds: '0-2' });
    if (!('config' in r)) throw new Error(r.problems.join('\n'));
    expect(r.config.losses).toEqual(['ce', 'mypoly=ce + 2*(1-p[y])', 'gce:0.7']);
    expect(r.config.definitions).toEqual(['mypoly=ce + 2*(1-p[y])']);
    expect(r.config.seeds).toEqual([0, 1, 2]);
  });

  it('names every problem in one line each', () => {
    const r = trainConfig({ ...defaultForm(), name: '../x', losses: 'ce, nosuch, ce', definitions: 'bad=ce / 0\nce=p[y]', seeds: '2-1', epochs: '0', lr: '-1', arch: 'mlp', data: 'dirty', trainSubset: '60000' });
    expect('problems' in r).toBe(true);
    const p = (r as { problems: string[] }).problems;
    expect(p.some((x) => x.startsWith('Study name:'))).toBe(true);
    expect(p.some((x) => /^Loss definitions, line 1: .*division/i.test(x))).toBe(true);
    expect(p.some((x) => /^Loss definitions, line 2: .*built-in/.test(x))).toBe(true);
    expect(p.some((x) => /^Losses: .*nosuch/.test(x))).toBe(true);
    expect(p).toContain('Losses: CE is listed twice');
    expect(p.some((x) => x.startsWith('Seeds:'))).toBe(true);
    expect(p.some((x) => x.startsWith('Epochs:'))).toBe(true);
    expect(p.some((x) => x.startsWith('Learning rate:'))).toBe(true);
    expect(p.some((x) => x.startsWith('Architecture: one of'))).toBe(true);
    expect(p.some((x) => x.startsWith('Data variant: one of'))).toBe(true);
    expect(p).toContain('Training images: expected a whole number from 1 to 50000, got "60000"');
    expect(p.every((x) => !x.includes('\n'))).toBe(true);
  });
});

describe('WebGPU and the adapter\'s limits', () => {
  const limits: Record<string, number> = { ...REQUIRED_LIMITS };

  it('says in one sentence what to do without WebGPU or without an adapter', async () => {
    expect(await checkWebGpu(undefined)).toEqual({ ok: false, message: NO_WEBGPU });
    expect(await checkWebGpu({ requestAdapter: async () => null } as unknown as GPU)).toEqual({ ok: false, message: NO_ADAPTER });
    for (const m of [NO_WEBGPU, NO_ADAPTER]) expect(m.match(/[.!?](\s|$)/g)?.length).toBe(1);
    expect(adapterName({ vendor: 'mesa', device: 'llvmpipe', description: '' }, true)).toBe('mesa llvmpipe (software)');
  });

  it('accepts CIFAR-10 on the limits the kernels ask for, and refuses what does not fit before training', () => {
    expect(limitsProblem(limits, { trainSubset: null, batchSize: 64 }, CIFAR10_SPEC)).toBeNull();
    const small = { ...limits, maxStorageBufferBindingSize: 32 * 2 ** 20 };
    expect(limitsProblem(small, { trainSubset: null, batchSize: 64 }, CIFAR10_SPEC))
      .toBe('The 50,000 training images (146 MiB) need two buffers of at most 32 MiB each on this adapter: train on at most 21,844 images, or use the CLI.');
    expect(limitsProblem(small, { trainSubset: 20_000, batchSize: 64 }, CIFAR10_SPEC)).toBeNull();
    expect(limitsProblem({ ...limits, maxComputeInvocationsPerWorkgroup: 128 }, { trainSubset: 100, batchSize: 64 }, CIFAR10_SPEC)).toMatch(/^This adapter's maxComputeInvocationsPerWorkgroup is 128, below the 256 the kernels need/);
  });
});
