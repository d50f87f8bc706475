import { appendFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandGrid, runFiles } from '../src/study/index.ts';
import type { RunSpec } from '../src/engine/types.ts';
import { read, readJson, runFake, smallConfig } from './helpers/study.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();
const HEADER = 'epoch,train_loss,train_acc,test_loss,test_acc,f1,test_nll,ece,lr,seconds';

describe('the study runner with a fake engine', () => {
  it('writes the files of docs/results-format.md', async () => {
    const dir = await tmp();
    const config = smallConfig();
    const results = await runFake(dir, config);
    expect(results.map((r) => r.status)).toEqual(new Array(6).fill('done'));
    expect((await readdir(dir)).sort()).toEqual(['seed_0', 'seed_1', 'study.json', 'summary.json', 'summary.md']);
    expect((await readdir(join(dir, 'seed_0'))).sort()).toEqual(['CE', 'Focal2', 'L1'].flatMap((l) => ['final.json', 'results.csv', 'saliency.json', 'state.bin', 'status.json'].map((f) => `${l}_${f}`)));

    const study = await readJson(dir, 'study.json');
    const { outDir: _o, ...recorded } = config;
    expect(study.config).toEqual(recorded); // no outDir: a folder does not record where it was
    expect(study).toMatchObject({ format: 1, name: 'default', status: 'done', gitCommit: null, classNames: expect.arrayContaining(['airplane', 'truck']) });
    expect(study.adapter).toMatchObject({ vendor: 'fake' });
    expect(Date.parse(study.createdAt)).toBeGreaterThan(0);
    expect(Date.parse(study.endedAt)).toBeGreaterThanOrEqual(Date.parse(study.startedAt));
    expect(study.runs[1]).toMatchObject({ id: 'clean_convnet_focal2_s0', index: 1, loss: 'focal:2', label: 'Focal2', seed: 0, data: 'clean', arch: 'convnet', status: 'done', epochsDone: 4, epochs: 4, divergedEpoch: null, error: null, csv: 'seed_0/Focal2_results.csv', final: 'seed_0/Focal2_final.json' });

    const csv = (await read(dir, 'seed_1/L1_results.csv')).trim().split('\n');
    expect(csv[0]).toBe(HEADER);
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(['1', '2', '3', '4']);
    const row = csv[4].split(',').map(Number);
    expect(row[8]).toBe(0.005); // lr after one StepLR decay (step 2, γ 0.5)
    expect(row[9]).toBe(2); // engine's train + eval seconds
    expect(row[5]).toBeGreaterThan(0); // macro-F1

    const final = await readJson(dir, 'seed_0/CE_final.json');
    expect(final).toMatchObject({ loss: 'ce', label: 'CE', seed: 0, epoch: 4, status: 'done' });
    expect(final.confusion).toHaveLength(10);
    expect(final.perClass[0]).toMatchObject({ class: 'airplane', support: 10 });
    expect(final.calibration.bins).toHaveLength(15);
    expect(final.calibration.bins[0]).toEqual({ lo: 0, hi: 1 / 15, count: 0, confidence: 0, accuracy: 0 });

    const summary = await readJson(dir, 'summary.json');
    expect(summary.groups).toHaveLength(1);
    const [ce, focal] = summary.groups[0].rows;
    expect(ce).toMatchObject({ loss: 'ce', label: 'CE', n: 2, seeds: [0, 1] });
    expect(ce.vsCE).toBeUndefined();
    expect(ce.final.test_acc.values).toHaveLength(2);
    expect(focal.vsCE.test_acc).toMatchObject({ n: 2, significant: expect.any(Boolean) });
    const md = await read(dir, 'summary.md');
    expect(md).toMatch(/## clean data, convnet/);
    expect(md).toMatch(/at α = 0.05/);
    expect(md).toMatch(/Focal2 − CE, test accuracy: [+−]\d/);
  });

  it('--resume after an interruption gives identical CSVs and final files', async () => {
    const config = smallConfig();
    const whole = await tmp();
    await runFake(whole, config);

    const broken = await tmp();
    const first = await runFake(broken, config, { fake: { failAt: { 'ce_s0': 3, 'l1_s1': 2 } } });
    expect(first.filter((r) => r.status === 'failed').map((r) => [r.id, r.epochsDone])).toEqual([['clean_convnet_ce_s0', 2], ['clean_convnet_l1_s1', 1]]);
    expect((await readJson(broken, 'study.json')).status).toBe('failed');
    // A kill between writing the CSV and the state: the CSV is one epoch ahead, the status says running.
    await appendFile(join(broken, 'seed_0/CE_results.csv'), '3,9,9,9,9,9,9,9,9,9\n');
    const st = await readJson(broken, 'seed_0/CE_status.json');
    await writeFile(join(broken, 'seed_0/CE_status.json'), JSON.stringify({ ...st, status: 'running', endedAt: null }));

    const created: RunSpec[] = [];
    const second = await runFake(broken, config, { resume: true, fake: { created } });
    expect(second.every((r) => r.status === 'done')).toBe(true);
    expect(created).toHaveLength(2); // only the two unfinished runs were trained again
    for (const c of expandGrid(config)) {
      const f = runFiles(c);
      expect(await read(broken, f.csv)).toBe(await read(whole, f.csv));
      expect(await read(broken, f.final)).toBe(await read(whole, f.final));
    }
    expect((await readJson(broken, 'study.json')).status).toBe('done');
  });

  it('a diverging run is stopped and recorded; the study goes on', async () => {
    const dir = await tmp();
    const results = await runFake(dir, smallConfig(), { fake: { divergeAt: { l1: 2 } } });
    expect(results.map((r) => r.status)).toEqual(['done', 'done', 'diverged', 'done', 'done', 'diverged']);
    const study = await readJson(dir, 'study.json');
    expect(study.status).toBe('done');
    expect(study.runs[2]).toMatchObject({ status: 'diverged', divergedEpoch: 2, epochsDone: 1 });
    const csv = (await read(dir, 'seed_0/L1_results.csv')).trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[2]).toMatch(/^2,nan,[\d.]+,nan,/);
    expect(await readJson(dir, 'seed_0/L1_final.json')).toMatchObject({ status: 'diverged', divergedEpoch: 2, epoch: 1 });
    const l1 = (await readJson(dir, 'summary.json')).groups[0].rows[2];
    expect(l1).toMatchObject({ label: 'L1', n: 0, diverged: [{ seed: 0, epoch: 2 }, { seed: 1, epoch: 2 }] });
    expect(await read(dir, 'summary.md')).toMatch(/diverged: seed 0 at epoch 2, seed 1 at epoch 2/);
  });

  it('evaluates every k epochs and after the last', async () => {
    const dir = await tmp();
    await runFake(dir, smallConfig({ epochs: 5, evalEvery: 2, losses: ['ce'], seeds: [0] }));
    const csv = (await read(dir, 'seed_0/CE_results.csv')).trim().split('\n');
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(['2', '4', '5']);
  });

  it('grids use <variant>_<arch>/seed_<S>/ folders', async () => {
    const dir = await tmp();
    const config = smallConfig({ data: ['clean', 'lt100'], losses: ['ce'], seeds: [0], epochs: 1 });
    await runFake(dir, config);
    expect((await readdir(dir)).sort()).toEqual(['clean_convnet', 'lt100_convnet', 'study.json', 'summary.json', 'summary.md']);
    const s = await readJson(dir, 'summary.json');
    expect(s.groups.map((g: { data: string }) => g.data)).toEqual(['clean', 'lt100']);
    expect(await read(dir, 'summary.md')).toMatch(/Per-class recall/);
  });
});
