// `losslab compare`: a study's final metrics per loss against reference CSVs of another
// implementation (the layout of ../shared/reference and of reference/torch_train.py --csv).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReference } from '../src/compare/index.ts';
import { collectStudy } from '../src/study/collect.ts';
import { mean } from '../src/stats/index.ts';
import { runFake, smallConfig } from './helpers/study.ts';
import { useTmp } from './helpers/tmp.ts';
import { captureCli } from './helpers/cli.ts';

const tmp = useTmp();

const cli = (args: string[]) => captureCli(['compare', ...args]);

async function writeReference(dir: string, label: string, seed: number, epochs: number, testAcc: number): Promise<void> {
  const rows = Array.from({ length: epochs }, (_, i) => `${i + 1},1.0,0.5,1.2,${i + 1 === epochs ? testAcc : 0.1},0.4`);
  await writeFile(join(dir, `${label}_seed${seed}.csv`), ['epoch,train_loss,train_acc,test_loss,test_acc,f1', ...rows].join('\n') + '\n');
}

describe('losslab compare', () => {
  it('per loss: both samples, LossLab seeds inside the reference range, Welch difference', async () => {
    const study = await tmp();
    await runFake(study, smallConfig()); // ce, focal:2, l1 × seeds 0, 1; 4 epochs
    const { records } = await collectStudy(study);
    const acc = (label: string) => records.filter((r) => r.run.label === label).map((r) => r.final!.test_acc!);
    const [ce, l1] = [acc('CE'), acc('L1')];

    const ref = join(await tmp(), 'torch');
    await mkdir(ref);
    // CE: a reference range that holds both of our seeds; L1: one far above them; Focal2: none.
    await writeReference(ref, 'ce', 0, 4, Math.min(...ce) - 0.01);
    await writeReference(ref, 'ce', 1, 4, Math.max(...ce) + 0.01);
    await writeReference(ref, 'ce', 2, 4, mean(ce));
    await writeReference(ref, 'l1', 0, 4, Math.max(...l1) + 0.3);
    await writeReference(ref, 'l1', 1, 4, Math.max(...l1) + 0.32);
    await writeFile(join(ref, 'notes.txt'), 'not a reference curve');

    const r = await cli([study, '--reference', ref, '--json']);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.out);
    expect(c.epochMismatch).toBe(false);
    const byLabel = Object.fromEntries(c.rows.map((row: { label: string }) => [row.label, row]));
    expect(byLabel.CE.inRange).toBe(2);
    expect(byLabel.CE.reference.seeds).toEqual([0, 1, 2]);
    expect(byLabel.CE.losslab.stats.values).toEqual(ce);
    expect(byLabel.L1.inRange).toBe(0);
    expect(byLabel.L1.welch.meanDiff).toBeCloseTo(mean(l1) - (Math.max(...l1) + 0.31), 12);
    expect(byLabel.L1.welch.pValue).toBeLessThan(0.05);
    expect(byLabel.Focal2.reference).toBeNull();
    expect(byLabel.Focal2.welch).toBeNull();

    // A loss's reference seeds spread over two folders are merged; a seed in both is an error.
    const more = join(await tmp(), 'more');
    await mkdir(more);
    await writeReference(more, 'l1', 2, 4, Math.max(...l1) + 0.31);
    const merged = JSON.parse((await cli([study, '--reference', ref, '--reference', more, '--json'])).out);
    expect(merged.rows.find((row: { label: string }) => row.label === 'L1').reference.seeds).toEqual([0, 1, 2]);
    await writeReference(more, 'ce', 1, 4, 0.5);
    const twice = await cli([study, '--reference', ref, '--reference', more]);
    expect(twice.code).toBe(2);
    expect(twice.err).toMatch(/reference seed 1 of ce is in two folders/);

    // The same study given twice: each seed counts once.
    expect(JSON.parse((await cli([study, study, '--reference', ref, '--json'])).out).rows[0].losslab.stats.n).toBe(2);

    const md = await cli([study, '--reference', ref]);
    expect(md.out).toMatch(/\| CE \| 3 \(0,1,2\) \|/);
    expect(md.out).toMatch(/\| L1 \|.*\| 0\/2 \|/);
    expect(md.out).not.toMatch(/Warning/);

    // Reference curves 30 epochs long against a 4-epoch study: said, not hidden.
    await writeReference(ref, 'ce', 3, 30, 0.6);
    expect((await cli([study, '--reference', ref])).out).toMatch(/Warning: the two sides end at different epochs/);
  });

  it('bad input: one line and exit 2', async () => {
    const study = await tmp();
    await runFake(study, smallConfig({ losses: ['ce'], seeds: [0] }));
    const empty = await tmp();
    const cases: [string[], RegExp][] = [
      [[study, '--reference', join(empty, 'missing')], /reference folder .*missing: not found/],
      [[study, '--reference', empty], /no <loss>_seed<S>\.csv files/],
      [[empty, '--reference', empty], /holds no readable study.json/],
      [[study, '--reference', empty, '--metric', 'accuracy'], /unknown metric 'accuracy'/],
    ];
    for (const [args, msg] of cases) {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
    const broken = await tmp();
    await writeFile(join(broken, 'ce_seed0.csv'), 'epoch,test_acc\n1,0.5,0.7\n');
    const r0 = await cli([study, '--reference', broken]);
    expect([r0.code, r0.err]).toEqual([2, expect.stringMatching(/ce_seed0\.csv: not a readable CSV/)]);
    await writeReference(empty, 'l1', 0, 4, 0.3); // no loss on both sides
    const r = await cli([study, '--reference', empty]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no loss has finished runs on both sides \(reference: l1; studies: CE\)/);
  });

  it('a study of another architecture is compared without naming it; --arch picks one of several', async () => {
    const study = await tmp();
    await runFake(study, smallConfig({ losses: ['ce'], arch: ['resnet8'] }));
    const ref = join(await tmp(), 'torch');
    await mkdir(ref);
    for (const seed of [0, 1, 2]) await writeReference(ref, 'ce', seed, 4, 0.5 + seed / 100);
    const only = JSON.parse((await cli([study, '--reference', ref, '--json'])).out);
    expect(only.rows[0].losslab.seeds).toEqual([0, 1]);
    const both = await tmp();
    await runFake(both, smallConfig({ losses: ['ce'], arch: ['convnet', 'resnet8'] }));
    const picked = JSON.parse((await cli([both, '--reference', ref, '--arch', 'resnet8', '--json'])).out);
    const { records } = await collectStudy(both);
    const resnet = records.filter((r) => r.run.arch === 'resnet8').map((r) => r.final!.test_acc!);
    expect(picked.rows[0].losslab.stats.values).toEqual(resnet);
    expect((await cli([both, '--reference', ref, '--arch', 'vgg', '--json'])).code).toBe(2);
  });

  if (!process.env.LOSSLAB_REFERENCE_DIR) console.warn('compare: reading the PyTorch reference curves SKIPPED — set LOSSLAB_REFERENCE_DIR to a folder with torch-cpu-default/');
  it.skipIf(!process.env.LOSSLAB_REFERENCE_DIR)('reads the PyTorch reference curves of LOSSLAB_REFERENCE_DIR', async () => {
    const ref = await readReference(join(process.env.LOSSLAB_REFERENCE_DIR!, 'torch-cpu-default'));
    expect([...ref.keys()].sort()).toEqual(['ce', 'focal0.5', 'focal2', 'l1', 'l1logits']);
    for (const runs of ref.values()) {
      expect(runs.map((r) => r.seed)).toEqual([0, 1]);
      for (const r of runs) {
        expect(r.epoch).toBe(30);
        expect(r.final.test_acc).toBeGreaterThan(0.05);
        expect(r.final.test_acc).toBeLessThan(0.7);
      }
    }
    expect(ref.get('ce')![0].final.test_acc).toBeCloseTo(0.6026, 4); // as its README states (curves replaced 2026-11-30: black padding)
  });
});
