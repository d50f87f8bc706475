// --dataset as a grid axis (like --arch): one engine per data set, loaded and checked before any
// training; each run, final.json, summary group and tidy row says its data set; CIFAR-10 runs keep
// their names. Bad data files end the command with one line and exit 2 before training.
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { gpuEngineProvider, type EngineRequest } from '../src/commands/engine.ts';
import { DATASETS, specOf } from '../src/data/index.ts';
import { tidyMetrics } from '../src/study/index.ts';
import { fakeFactory } from './helpers/fake-engine.ts';
import { runMain } from './helpers/main.ts';
import { readJson } from './helpers/study.ts';
import { writeManifestDir } from './helpers/datasets.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();

describe('--dataset cifar10,fashion-mnist', () => {
  it('a grid axis: an engine per data set, runs named and filed by data set, summary and tidy rows grouped by it', async () => {
    const out = join(await tmp(), 's');
    const engine = vi.fn(async (r: EngineRequest) => {
      const spec = specOf(DATASETS[r.dataset!]);
      return { factory: fakeFactory(), classNames: spec.classNames, spec, close() {} };
    });
    const r = await runMain(['run', '--dataset', 'cifar10,fashion-mnist', '--losses', 'ce,l1', '--seeds', '0', '--epochs', '1', '--out', out], engine);
    expect(r.code, r.err).toBe(0);
    expect(engine.mock.calls.map(([q]) => q.dataset)).toEqual(['cifar10', 'fashion-mnist']);
    const study = await readJson(out, 'study.json');
    expect(study.config.dataset).toEqual(['cifar10', 'fashion-mnist']);
    expect(study.runs.map((x: { id: string; dataset: string }) => `${x.dataset} ${x.id}`)).toEqual([
      'cifar10 clean_convnet_ce_s0', 'cifar10 clean_convnet_l1_s0', 'fashion-mnist fashion-mnist_clean_convnet_ce_s0', 'fashion-mnist fashion-mnist_clean_convnet_l1_s0',
    ]);
    expect(study.runs[2].csv).toBe('fashion-mnist_clean_convnet/seed_0/CE_results.csv');
    expect(study.classNames).toEqual([]); // two data sets: each one's names are in `datasets`
    expect(study.datasets['fashion-mnist'].classNames[0]).toBe('T-shirt/top');
    expect(study.datasets['fashion-mnist']).toMatchObject({ channels: 1, height: 28, width: 28 });
    const final = await readJson(out, 'fashion-mnist_clean_convnet/seed_0/CE_final.json');
    expect(final.dataset).toBe('fashion-mnist');
    expect(final.perClass[9].class).toBe('Ankle boot');
    const summary = await readJson(out, 'summary.json');
    expect(summary.groups.map((g: { dataset: string }) => g.dataset)).toEqual(['cifar10', 'fashion-mnist']);
    expect(summary.groups[1].classNames[0]).toBe('T-shirt/top');
    const { rows: tidy } = await tidyMetrics(out);
    expect(new Set(tidy.map((t) => `${t.dataset}/${t.run}`))).toEqual(new Set(study.runs.map((x: { dataset: string; id: string }) => `${x.dataset}/${x.id}`)));
  });

  it('the default stays CIFAR-10 in seed_<S>/ folders; a study folder from before the axis resumes', async () => {
    const out = join(await tmp(), 's');
    const args = ['run', '--losses', 'ce', '--seeds', '0', '--epochs', '1', '--out', out];
    const r = await runMain(args);
    expect(r.code, r.err).toBe(0);
    expect(r.engine.mock.calls[0][0]).toMatchObject({ dataset: 'cifar10' });
    const study = await readJson(out, 'study.json');
    expect(study.runs[0]).toMatchObject({ id: 'clean_convnet_ce_s0', csv: 'seed_0/CE_results.csv', dataset: 'cifar10' });
    // An older study.json has no dataset key: it is the same (CIFAR-10) study.
    const { writeFile } = await import('node:fs/promises');
    const { dataset: _d, ...older } = study.config;
    await writeFile(join(out, 'study.json'), JSON.stringify({ ...study, config: older }));
    expect((await runMain([...args, '--resume'])).code).toBe(0);
  });

  it('an unknown data set is a usage error before any work', async () => {
    const r = await runMain(['run', '--dataset', 'mnist', '--out', join(await tmp(), 's')]);
    expect(r.code).toBe(2);
    expect(r.err).toBe('losslab run: unknown dataset "mnist" (known: cifar10, fashion-mnist, cifar100, cifar100-coarse; or a manifest file ending in .json)\n');
    expect(r.engine).not.toHaveBeenCalled();
  });
});

describe('bad data files: one line naming the file, exit 2, before training', () => {
  const rows: [string, Record<string, unknown>, RegExp][] = [
    ['a manifest whose mean has the wrong length', { mean: [0.5] }, /toy\.json: expected "mean": 3 numbers \(one per channel\) or "compute", found \[0\.5\]/],
    ['a manifest naming a missing file', { test: 'nope.npz' }, /nope\.npz: expected a readable file, found no such file/],
  ];
  it.each(rows)('%s', async (_name, patch, msg) => {
    const manifest = await writeManifestDir(await tmp(), patch);
    const engine = vi.fn(gpuEngineProvider);
    const r = await runMain(['run', '--dataset', manifest, '--losses', 'ce', '--seeds', '0', '--epochs', '1', '--out', join(await tmp(), 's')], engine);
    expect(r.err).toMatch(msg);
    expect(r.err.trim().split('\n'), r.err).toHaveLength(1);
    expect(r.code).toBe(2);
  });

  it('a Fashion-MNIST folder given by --data-dir without the files', async () => {
    const dir = await tmp();
    const r = await runMain(['run', '--dataset', 'fashion-mnist', '--data-dir', dir, '--losses', 'ce', '--seeds', '0', '--epochs', '1', '--out', join(dir, 's')], vi.fn(gpuEngineProvider));
    expect(r.err).toMatch(/^losslab run: .*: expected the Fashion-MNIST files \(train-images-idx3-ubyte\.gz, .*\) as given by --data-dir, found none of them\n$/);
    expect(r.code).toBe(2);
  });
});
