import { describe, expect, it } from 'vitest';
import { lossCurves } from '../../src/data/bands.ts';
import { groupRuns, lossLabels } from '../../src/data/group.ts';
import type { LoadedRun, StudyData } from '../../src/data/model.ts';
import { mergeStudies } from '../../src/data/merge.ts';
import { lossInfo, lossTitle } from '../../src/data/losses.ts';
import { differingSettings, runSettings } from '../../src/data/settings.ts';
import { bestLabels, diffDirection, sortRows, summaryFromRuns, summaryTable } from '../../src/data/summary.ts';
import { confusionCells, eceText, meanConfusionRates, perClassF1, poolCalibration, sumConfusion } from '../../src/data/final.ts';
import type { EpochRow, FinalDetails, RunEntry } from '../../src/format/types.ts';

function row(epoch: number, v: Partial<EpochRow>): EpochRow {
  return { epoch, train_loss: 1, train_acc: 0.5, test_loss: 1, test_acc: 0.5, f1: 0.5, test_nll: 1, ece: 0.1, lr: 0.01, seconds: 1, ...v };
}

function run(loss: string, label: string, seed: number, accs: number[], extra: Partial<RunEntry> = {}): LoadedRun {
  return {
    run: { id: `${label}${seed}`, loss, label, seed, data: 'clean', arch: 'convnet', status: 'done', epochsDone: accs.length, epochs: accs.length,
      divergedEpoch: null, error: null, csv: '', final: '', ...extra },
    rows: accs.map((a, i) => row(i + 1, { test_acc: a, test_nll: 2 - a })),
  };
}

const runs = [
  run('focal:2', 'Focal2', 1, [0.4, 0.5]),
  run('ce', 'CE', 0, [0.3, 0.6]),
  run('ce', 'CE', 1, [0.5, 0.7]),
  run('focal:2', 'Focal2', 0, [0.2, 0.4]),
  run('ce', 'CE', 0, [0.1], { data: 'noisy' }),
];

describe('grouping', () => {
  it('groups by data × arch, then loss in config order, seeds sorted', () => {
    const g = groupRuns(runs, ['ce', 'focal:2']);
    expect(g.map((x) => x.data)).toEqual(['clean', 'noisy']);
    expect(g[0].losses.map((l) => l.label)).toEqual(['CE', 'Focal2']);
    expect(g[0].losses[1].runs.map((r) => r.run.seed)).toEqual([0, 1]);
    expect(lossLabels(runs, ['ce', 'focal:2'])).toEqual(['CE', 'Focal2']);
  });
});

describe('lossCurves', () => {
  it('gives the mean ± sample std per epoch and every seed', () => {
    const ce = groupRuns(runs, ['ce'])[0].losses[0];
    const { band, seeds } = lossCurves(ce, 'test_acc');
    expect(seeds).toHaveLength(4);
    expect(band.map((b) => b.epoch)).toEqual([1, 2]);
    expect(band[0].mean).toBeCloseTo(0.4, 12);
    expect(band[0].std).toBeCloseTo(Math.SQRT2 * 0.1, 12);
    expect(band[1]).toMatchObject({ n: 2, label: 'CE' });
    expect(band[1].lo).toBeCloseTo(0.65 - band[1].std, 12);
  });

  it('counts only seeds that reached an epoch; skips NaN; keeps the log band positive', () => {
    const g = { loss: 'l1', label: 'L1', runs: [run('l1', 'L1', 0, [0.5, 0.6, 0.7]), run('l1', 'L1', 1, [0.5, NaN])] };
    const { band } = lossCurves(g, 'test_acc');
    expect(band.map((b) => b.n)).toEqual([2, 1, 1]);
    const wide = { loss: 'l1', label: 'L1', runs: [run('l1', 'L1', 0, [0.01]), run('l1', 'L1', 1, [1.99])] };
    const log = lossCurves(wide, 'test_nll', { positiveOnly: true }).band[0];
    expect(log.lo).toBeGreaterThan(0);
  });

  it('cuts the ±std band to the metric\'s range (no accuracy above 1, no ECE below 0)', () => {
    const g = { loss: 'ce', label: 'CE', runs: [run('ce', 'CE', 0, [0.02, 0.99]), run('ce', 'CE', 1, [0.3, 0.7])] };
    const [first, last] = lossCurves(g, 'test_acc', { range: [0, 1] }).band;
    expect(first.lo).toBe(0);
    expect(first.mean - first.std).toBeLessThan(0);
    expect(last.hi).toBe(1);
    expect(last.mean + last.std).toBeGreaterThan(1);
  });

  it('smooths each seed before averaging', () => {
    const g = { loss: 'ce', label: 'CE', runs: [run('ce', 'CE', 0, [0, 1])] };
    expect(lossCurves(g, 'test_acc', { smoothing: 0.5 }).band[1].mean).toBeCloseTo(0.5 / 0.75, 12);
  });
});

describe('summary from runs', () => {
  const groups = summaryFromRuns(groupRuns(runs, ['ce', 'focal:2']), ['test_acc', 'test_nll', 'test_loss']);
  const [ce, focal] = groups[0].rows;

  it('compares every seed at the latest epoch all runs reached, never a mix of epochs', () => {
    const mixed = [run('ce', 'CE', 0, [0.3, 0.6, 0.9]), run('ce', 'CE', 1, [0.5, 0.7]), run('focal:2', 'Focal2', 0, [0.2, 0.4, 0.8]), run('focal:2', 'Focal2', 1, [0.1, 0.3]),
      run('l1', 'L1', 0, [], { status: 'pending' })];
    const [g] = summaryFromRuns(groupRuns(mixed, ['ce', 'focal:2']), ['test_acc']);
    expect(g.epoch).toBe(2);
    expect(g.ahead).toBe(2);
    expect(g.rows[0].final.test_acc!.values).toEqual([0.6, 0.7]);
    expect(g.rows[1].vsCE!.test_acc!.meanDiff).toBeCloseTo(-0.3, 12);
    expect(g.rows[1].vsCE!.test_acc!.n).toBe(2);
  });

  it('gives no std, CI or test for one seed (as losslab summary: null, not 0)', () => {
    const one = summaryFromRuns(groupRuns([run('ce', 'CE', 0, [0.5]), run('focal:2', 'Focal2', 0, [0.4])], ['ce', 'focal:2']), ['test_acc'])[0];
    expect(one.rows[0].final.test_acc).toEqual({ mean: 0.5, std: null, ci95: null, values: [0.5] });
    expect(one.rows[1].vsCE!.test_acc).toMatchObject({ pValue: null, ci95: null, significant: false, n: 1 });
  });

  it('tests with three seeds or more, Holm-adjusted across the table', () => {
    const three = [0, 1, 2].flatMap((seed) => [run('ce', 'CE', seed, [0.5 + seed * 0.01]), run('focal:2', 'Focal2', seed, [0.4 + seed * 0.012]), run('l1', 'L1', seed, [0.5 + seed * 0.011])]);
    const [g] = summaryFromRuns(groupRuns(three, ['ce', 'focal:2', 'l1']), ['test_acc', 'test_nll']);
    const tested = g.rows.flatMap((r) => Object.values(r.vsCE ?? {}));
    expect(tested).toHaveLength(4); // 2 losses × 2 compared metrics
    for (const d of tested) {
      expect(d!.tooFewSeeds).toBe(false);
      expect(d!.pAdjusted!).toBeGreaterThanOrEqual(d!.pValue!);
      expect(d!.significant).toBe(d!.pAdjusted! < 0.05);
    }
    const two = summaryFromRuns(groupRuns(runs, ['ce', 'focal:2']), ['test_acc'])[0].rows[1].vsCE!.test_acc!;
    expect(two).toMatchObject({ n: 2, tooFewSeeds: true, pAdjusted: null, significant: false });
  });

  it('says which way a difference goes: higher accuracy is better, higher cross-entropy worse', () => {
    const d = (meanDiff: number) => ({ meanDiff, ci95: null, pValue: 0.01, n: 3, significant: true });
    expect(diffDirection('test_acc', d(-0.267))).toBe('worse');
    expect(diffDirection('test_nll', d(0.064))).toBe('worse');
    expect(diffDirection('test_nll', d(-0.1))).toBe('better');
    expect(diffDirection('ece', d(-0.01))).toBe('better');
    expect(diffDirection('test_loss', d(-1))).toBe('none');
  });

  it('uses each run\'s last epoch, with paired differences against CE', () => {
    expect(ce.final.test_acc!.values).toEqual([0.6, 0.7]);
    expect(ce.final.test_acc!.mean).toBeCloseTo(0.65, 12);
    expect(ce.vsCE).toBeUndefined();
    expect(focal.vsCE!.test_acc!.meanDiff).toBeCloseTo(-0.2, 12);
    expect(focal.vsCE!.test_acc!.n).toBe(2);
    expect(focal.vsCE!.test_nll).toBeDefined();
    expect(focal.vsCE!.test_loss).toBeUndefined(); // each loss's own criterion: not compared
    expect(groups[1].rows[0].n).toBe(1);
  });

  it('marks the best only when significantly better than the runner-up, above chance, for comparable metrics', () => {
    expect(bestLabels(groups[0].rows, 'test_acc').size).toBe(0); // 2 seeds: too few to test, no ★
    const seeds = [0, 1, 2, 3];
    const mk = (acc: (s: number) => number, ece: (s: number) => number) => seeds.map((s) => ({ acc: acc(s), ece: ece(s) }));
    const table = (rows: Record<string, { acc: number; ece: number }[]>) => summaryFromRuns(groupRuns(Object.entries(rows).flatMap(([label, vs]) =>
      vs.map((v, s) => ({ ...run(label.toLowerCase(), label, s, [v.acc]), rows: [row(1, { test_acc: v.acc, ece: v.ece, test_nll: 2 - v.acc })] }))), ['ce']), ['test_acc', 'ece', 'test_loss'])[0].rows;
    const clear = table({ CE: mk((s) => 0.7 + s * 0.01, () => 0.05), Focal2: mk((s) => 0.6 + s * 0.011, () => 0.03), L1: mk(() => 0.0965, (s) => 0.01 + s * 0.001) });
    expect([...bestLabels(clear, 'test_acc')]).toEqual(['CE']);
    // L1 at chance (9.65% on 10 classes) has the lowest ECE: no win; Focal2's is the best of the rest, significantly.
    expect([...bestLabels(clear, 'ece')]).toEqual(['Focal2']);
    expect(bestLabels(clear, 'test_loss').size).toBe(0);
    const close = table({ CE: mk((s) => 0.7 + (s % 2) * 0.02, () => 0.05), Focal2: mk((s) => 0.7 + ((s + 1) % 2) * 0.021, () => 0.05) });
    expect(bestLabels(close, 'test_acc').size).toBe(0); // best mean, not significantly: no ★
  });

  it('sorts by label or metric, NaN last', () => {
    expect(sortRows(groups[0].rows, { column: 'metric', metric: 'test_acc' }, false).map((r) => r.label)).toEqual(['Focal2', 'CE']);
    expect(sortRows(groups[0].rows, { column: 'label' }, true).map((r) => r.label)).toEqual(['Focal2', 'CE']);
  });

  it('flattens to CSV rows', () => {
    const t = summaryTable(groups, ['test_acc']);
    expect(t.header.slice(0, 2)).toEqual(['group', 'data']);
    expect(t.rows).toHaveLength(3);
    expect(t.rows[1].slice(0, 7)).toEqual(['clean data · convnet', 'clean', 'convnet', 'focal:2', 'Focal2', 2, 'test_acc']);
    const one = summaryTable([{ data: 'clean', arch: 'convnet', rows: [{ loss: 'l1', label: 'L1', n: 1, seeds: [0],
      final: { test_acc: { mean: 0.5, std: null, ci95: null, values: [0.5] } },
      vsCE: { test_acc: { meanDiff: null, ci95: null, pValue: null, n: 1, significant: false } } }] }], ['test_acc']);
    expect(one.rows[0].slice(7)).toEqual([0.5, '', '', '', '', '', '', '', '', '', '', 'false']);
    const own = summaryTable([{ data: 'clean', arch: 'convnet', rows: [{ loss: 'l1', label: 'L1', n: 2, seeds: [0, 1],
      final: { test_loss: { mean: 0.5, std: 0.1, ci95: [0, 1], values: [0.4, 0.6] } },
      vsCE: { test_loss: { meanDiff: -1.8, ci95: [-1.9, -1.7], pValue: 0.001, n: 2, significant: true } } }] }], ['test_loss']);
    expect(own.rows[0].slice(11)).toEqual(['', '', '', '', '', '', '', '']); // a vsCE on an own criterion is never reported
  });
});

describe('end-of-run details', () => {
  const fin = (seed: number, confusion: number[][], f1s: number[], bins: [number, number, number][], ece: number): FinalDetails => ({
    loss: 'ce', label: 'CE', seed, epoch: 3, status: 'done', confusion,
    perClass: f1s.map((f1, i) => ({ class: `c${i}`, precision: 0, recall: 0, f1, support: 10 })),
    calibration: { ece, bins: bins.map(([count, confidence, accuracy], i) => ({ lo: i / 2, hi: (i + 1) / 2, count, confidence, accuracy })) },
  });
  const a = fin(0, [[8, 2], [1, 9]], [0.8, 0.9], [[4, 0.4, 0.5], [16, 0.8, 0.75]], 0.06);
  const b = fin(1, [[6, 4], [3, 7]], [0.6, 0.7], [[0, 0, 0], [20, 0.7, 0.65]], 0.05);

  it('sums confusion and normalises rows', () => {
    expect(sumConfusion([a, b])).toEqual([[14, 6], [4, 16]]);
    const cells = confusionCells([[14, 6], [4, 16]], ['cat', 'dog']);
    expect(cells[1]).toEqual({ actual: 'cat', predicted: 'dog', count: 6, rate: 0.3 });
  });

  it('per-class F1 per seed and mean', () => {
    const rows = perClassF1([a, b]);
    expect(rows.filter((r) => r.seed === 'mean').map((r) => r.f1)).toEqual([0.7, 0.8]);
    expect(rows).toHaveLength(6);
  });

  it('pools calibration bins by count', () => {
    const pooled = poolCalibration([a, b]);
    expect(pooled.bins[1].count).toBe(36);
    expect(pooled.bins[1].confidence).toBeCloseTo((16 * 0.8 + 20 * 0.7) / 36, 12);
    expect('ece' in pooled).toBe(false); // one ECE: the runs' own, never one of pooled bins
  });

  it('states one ECE: mean ± std of the runs\' own ECEs, as the summary', () => {
    expect(eceText([a, b])).toBe('ECE 0.0550 ± 0.0071 (mean ± std, 2 seeds)');
    expect(eceText([a])).toBe('ECE 0.0600 (seed 0)');
  });

  it('normalises confusion per true class before averaging seeds: one 0–1 scale', () => {
    const cells = meanConfusionRates([a, b], ['cat', 'dog']);
    [0.7, 0.3, 0.2, 0.8].forEach((r, i) => expect(cells[i].rate).toBeCloseTo(r, 12)); // (0.8+0.6)/2, (0.2+0.4)/2, (0.1+0.3)/2, (0.9+0.7)/2
    for (const t of ['cat', 'dog']) expect(cells.filter((c) => c.actual === t).reduce((x, c) => x + c.rate, 0)).toBeCloseTo(1, 12);
    expect(cells[1].count).toBe(6); // summed counts for the read-out
  });
});

describe('grouping never pools runs whose settings differ (three copies of a study: lr 0.01/bs 64, lr 0.02/bs 64, lr 0.01/bs 128)', () => {
  const base = { name: 'copy', losses: ['ce', 'focal:2'], seeds: [0, 1], epochs: 2, momentum: 0.9, data: ['clean'], arch: ['convnet'], outDir: 'x' };
  const part = (path: string, lr: number, batchSize: number, gitCommit: string): StudyData => {
    const config = { ...base, lr, batchSize };
    const runs = [0, 1].flatMap((seed) => [run('ce', 'CE', seed, [0.5, 0.6 + lr + batchSize / 1e4]), run('focal:2', 'Focal2', seed, [0.4, 0.5 + lr])])
      .map((r) => ({ ...r, settings: runSettings(r.run, config) }));
    return { path, problems: [], runs,
      study: { format: 1, name: 'copy', status: 'done', config, classNames: [], runs: runs.map((r) => r.run), gitCommit,
        startedAt: `2026-11-0${path.length}T10:00:00.000Z`, endedAt: `2026-11-0${path.length}T11:30:00.000Z`, createdAt: `2026-11-0${path.length}T09:59:00.000Z` } };
  };
  const parts = [part('a', 0.01, 64, 'c1'), part('bb', 0.02, 64, 'c2'), part('ccc', 0.01, 128, 'c3')];
  const merged = mergeStudies(parts);

  it('names every differing setting and its values', () => {
    expect(merged.comparison.differing).toEqual(['batchSize', 'lr']);
    expect(merged.comparison.values).toEqual({ batchSize: ['64', '128'], lr: ['0.01', '0.02'] });
  });

  it('splits panels by every differing setting: each panel\'s runs share every setting but the seed', () => {
    const grids = groupRuns(merged.runs, ['ce', 'focal:2']);
    expect(grids.map((g) => g.title)).toEqual(['batchSize=64 · lr=0.01 · clean data · convnet', 'batchSize=64 · lr=0.02 · clean data · convnet', 'batchSize=128 · lr=0.01 · clean data · convnet']);
    for (const g of grids) for (const l of g.losses) {
      expect(l.runs.map((r) => r.run.seed)).toEqual([0, 1]); // n = 2 per loss, never 4
      expect(new Set(l.runs.map((r) => JSON.stringify(r.settings))).size).toBe(1);
    }
    const summary = summaryFromRuns(grids, ['test_acc']);
    expect(summary.map((g) => g.rows.map((r) => r.n))).toEqual([[2, 2], [2, 2], [2, 2]]);
  });

  it('or draws a differing setting as series within a panel: still never pooled', () => {
    const grids = groupRuns(merged.runs, ['ce', 'focal:2'], { series: ['lr'] });
    expect(grids.map((g) => g.title)).toEqual(['batchSize=64 · clean data · convnet', 'batchSize=128 · clean data · convnet']);
    expect(grids[0].losses.map((l) => `${l.label}:${l.runs.length}`)).toEqual(['CE · lr=0.01:2', 'CE · lr=0.02:2', 'Focal2 · lr=0.01:2', 'Focal2 · lr=0.02:2']);
    const all = groupRuns(merged.runs, ['ce'], { series: ['lr', 'batchSize'] });
    expect(all).toHaveLength(1);
    expect(all[0].losses.every((l) => l.runs.length === 2)).toBe(true);
    expect(all[0].losses).toHaveLength(6);
  });

  it('pools copies whose settings agree (seeds run separately), taking a duplicate run once', () => {
    const again = mergeStudies([part('a', 0.01, 64, 'c1'), part('a2', 0.01, 64, 'c1')]);
    expect(again.comparison.differing).toEqual([]);
    expect(groupRuns(again.runs)[0].losses[0].runs).toHaveLength(2); // same seeds 0, 1: taken once
  });

  it('keeps each folder\'s provenance; the merged study starts at the first start, not after its creation', () => {
    expect(merged.comparison.folders.map((f) => [f.folder, f.gitCommit, f.durationMs])).toEqual([['a', 'c1', 5.4e6], ['bb', 'c2', 5.4e6], ['ccc', 'c3', 5.4e6]]);
    expect(merged.study.gitCommit).toBeNull(); // three commits: none claimed for all
    expect(Date.parse(merged.study.createdAt!)).toBeLessThanOrEqual(Date.parse(merged.study.startedAt!));
  });

  it('treats a grid axis (run.data / config data) as a setting like any other, and a new key without code changes', () => {
    const s = runSettings({ data: 'noisy', arch: 'convnet', dataset: 'fashion-mnist' }, { data: ['clean', 'noisy'], arch: ['convnet'], datasets: ['cifar10', 'fashion-mnist'], lr: 0.1, seeds: [0] });
    expect(s).toEqual({ data: 'noisy', arch: 'convnet', datasets: 'fashion-mnist', lr: '0.1' });
    expect(differingSettings([s, { ...s, datasets: 'cifar10' }])).toEqual(['datasets']);
  });

  it('pools a folder made before data sets were recorded with a CIFAR-10 one (the value it implicitly had)', () => {
    const old = runSettings({ data: 'clean', arch: 'convnet' }, { data: ['clean'], arch: ['convnet'], lr: 0.01, seeds: [0] });
    const cifar = runSettings({ data: 'clean', arch: 'convnet', dataset: 'cifar10' }, { data: ['clean'], arch: ['convnet'], dataset: ['cifar10'], lr: 0.01, seeds: [1] });
    const fashion = runSettings({ data: 'clean', arch: 'convnet', dataset: 'fashion-mnist' }, { data: ['clean'], arch: ['convnet'], dataset: ['fashion-mnist'], lr: 0.01, seeds: [1] });
    expect(differingSettings([old, cifar])).toEqual([]);
    expect(differingSettings([old, fashion])).toEqual(['dataset']);
  });
});

describe('loss labels', () => {
  it('say what a label stands for in one place: the spec, and a user loss\'s definition where the results carry one', () => {
    const study = { config: { lossDefinitions: { 'my:hinge': 'mean(max(0, 1 - margin))' } } } as unknown as StudyData['study'];
    const runs = [run('focal:2', 'Focal2', 0, [0.5]), run('my:hinge', 'MyHinge', 0, [0.5])];
    expect(lossTitle(lossInfo({ runs, study }, 'Focal2'))).toBe('Focal2 — focal:2');
    expect(lossTitle(lossInfo({ runs, study }, 'MyHinge'))).toBe('MyHinge — my:hinge\nmean(max(0, 1 - margin))');
  });
});
