/**
 * summary.json across seeds: per grid row (data set × data variant × architecture) and loss, the final
 * metrics as mean ± std with a Student-t 95% CI, and each loss against CE as a paired difference
 * over the seeds both finished (paired t-test p-value, t CI and a seeded bootstrap CI), with
 * Holm's correction across each table's comparisons and n < 3 marked as too few seeds to test.
 */
import { describe, holmAdjust, MIN_SEEDS_TO_TEST, pairedDifference, type Described } from '../stats/index.ts';
import { ALPHA, COMPARED_METRICS, SUMMARY_METRICS, type SummaryMetric } from '@losslab/viewer/format';
import type { RunRecord } from './collect.ts';
import { DEFAULT_DATASET } from '../data/index.ts';
// The viewer's reading of the results format: extending it makes the compiler hold writer and reader to one shape.
import type {
  PairedDiff, SummaryRow as FormatRow, SummaryGroup as FormatGroup, Summary as FormatSummary,
} from '@losslab/viewer/results-format';

// The metrics, which are compared with CE (not test_loss/train_loss: each loss's own criterion) and the level: the shared format's.
export { SUMMARY_METRICS, COMPARED_METRICS, ALPHA, type SummaryMetric };

/**
 * A loss against CE on one metric: the results format's paired difference, every field filled.
 * `pValue` is the raw paired t-test; `pAdjusted` is Holm's across the table's tested comparisons,
 * and `significant` is `pAdjusted < alpha`. With fewer than MIN_SEEDS_TO_TEST paired seeds the
 * comparison is not tested: `tooFewSeeds`, no adjusted p, never significant.
 */
export type VsCe = Required<PairedDiff> & { meanDiff: number; pAdjusted: number | null; tooFewSeeds: boolean };

/** The results format's summary row, with the metric names and statistics this writer fills. */
export interface SummaryRow extends FormatRow {
  final: Partial<Record<SummaryMetric, Described>>;
  vsCE?: Partial<Record<SummaryMetric, VsCe>>;
  /** Mean per-class recall over seeds (minority classes matter on long-tailed variants). */
  perClassRecall: number[] | null;
  diverged: { seed: number; epoch: number | null }[];
  failed: number[];
  unfinished: number[];
  /** Finished runs whose results could not be read (seed and why): left out of n and the statistics. */
  damaged: { seed: number; why: string }[];
}

export interface SummaryGroup extends FormatGroup {
  dataset: string;
  /** The data set's class names (for per-class tables) when known. */
  classNames?: string[];
  rows: SummaryRow[];
}

/** A run's data set (CIFAR-10 for runs from before the dataset axis). */
export const runDataset = (r: { dataset?: string }): string => r.dataset ?? DEFAULT_DATASET;

export interface SummaryJson extends FormatSummary {
  sources: string[];
  alpha: number;
  classNames: string[];
  groups: SummaryGroup[];
}

function uniqueBy<T>(xs: T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => !seen.has(key(x)) && seen.add(key(x)));
}

/** One record per (dataset, data, arch, loss, seed): a finished one wins over others, the first folder over later ones. */
function dedupe(records: RunRecord[]): RunRecord[] {
  const rank = (r: RunRecord) => (r.run.status === 'done' ? 0 : r.run.status === 'diverged' ? 1 : 2);
  const sorted = records.map((r, i) => ({ r, i })).sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i).map((x) => x.r);
  const key = (r: RunRecord) => `${runDataset(r.run)}|${r.run.data}|${r.run.arch}|${r.run.loss}|${r.run.seed}`;
  const kept = new Set(uniqueBy(sorted, key));
  return records.filter((r) => kept.has(r));
}

function finalValues(done: RunRecord[], m: SummaryMetric): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of done) {
    const v = r.final?.[m];
    if (v !== undefined && Number.isFinite(v)) out.set(r.run.seed, v);
  }
  return out;
}

function meanRecall(done: RunRecord[]): number[] | null {
  const rs = done.map((r) => r.recall).filter((x): x is number[] => !!x);
  if (!rs.length) return null;
  return rs[0].map((_, c) => rs.reduce((s, r) => s + r[c], 0) / rs.length);
}

function buildRow(loss: RunRecord[], ce: RunRecord[] | undefined): SummaryRow {
  const first = loss[0].run;
  const done = loss.filter((r) => r.run.status === 'done' && !r.damaged).sort((a, b) => a.run.seed - b.run.seed);
  const final: SummaryRow['final'] = {};
  for (const m of SUMMARY_METRICS) {
    const vals = finalValues(done, m);
    if (vals.size) final[m] = describe([...vals.values()]);
  }
  const row: SummaryRow = {
    loss: first.loss,
    label: first.label,
    n: done.length,
    seeds: done.map((r) => r.run.seed),
    final,
    perClassRecall: meanRecall(done),
    diverged: loss.filter((r) => r.run.status === 'diverged').map((r) => ({ seed: r.run.seed, epoch: r.run.divergedEpoch })),
    failed: loss.filter((r) => r.run.status === 'failed').map((r) => r.run.seed),
    unfinished: loss.filter((r) => r.run.status === 'pending' || r.run.status === 'running' || r.run.status === 'interrupted').map((r) => r.run.seed),
    damaged: loss.filter((r) => r.damaged).map((r) => ({ seed: r.run.seed, why: r.damaged! })),
  };
  if (first.loss !== 'ce' && ce) {
    const ceDone = ce.filter((r) => r.run.status === 'done' && !r.damaged);
    const vs: NonNullable<SummaryRow['vsCE']> = {};
    for (const m of COMPARED_METRICS) {
      const a = finalValues(done, m);
      const b = finalValues(ceDone, m);
      const seeds = [...a.keys()].filter((s) => b.has(s)).sort((x, y) => x - y);
      if (!seeds.length) continue;
      const p = pairedDifference(seeds.map((s) => a.get(s)!), seeds.map((s) => b.get(s)!), ALPHA);
      const tooFewSeeds = p.n < MIN_SEEDS_TO_TEST;
      // significant and pAdjusted are set per table by adjustTable (Holm).
      vs[m] = { meanDiff: p.meanDiff, ci95: p.ci95, bootstrapCi95: p.bootstrapCi95, pValue: p.pValue, n: p.n, significant: false, pAdjusted: null, tooFewSeeds };
    }
    row.vsCE = vs;
  }
  return row;
}

/** Holm's correction across one table's tested comparisons (every loss × metric vs CE with enough seeds). */
function adjustTable(rows: SummaryRow[]): void {
  const family = rows.flatMap((r) => Object.values(r.vsCE ?? {})).filter((v): v is VsCe => !!v && !v.tooFewSeeds && v.pValue !== null);
  const adjusted = holmAdjust(family.map((v) => v.pValue));
  family.forEach((v, i) => {
    v.pAdjusted = adjusted[i];
    v.significant = adjusted[i]! < ALPHA;
  });
}

/** Rows follow `lossOrder` (the studies' configured losses, first folder first) when given, else grid order. */
export function buildSummary(records: RunRecord[], meta: { study: string; sources: string[]; classNames: string[]; lossOrder?: string[]; datasets?: Record<string, { classNames: string[] }> }): SummaryJson {
  // Grid order (cell index) for groups and rows, whichever folder a run came from.
  const recs = dedupe(records).sort((a, b) => a.run.index - b.run.index);
  const groups: SummaryGroup[] = [];
  const groupKey = (r: RunRecord) => `${runDataset(r.run)}|${r.run.data}|${r.run.arch}`;
  for (const g of uniqueBy(recs, groupKey)) {
    const inGroup = recs.filter((r) => groupKey(r) === groupKey(g));
    const byLoss = new Map<string, RunRecord[]>();
    for (const r of inGroup) byLoss.set(r.run.loss, [...(byLoss.get(r.run.loss) ?? []), r]);
    const ce = byLoss.get('ce');
    const rank = (loss: string) => (meta.lossOrder?.includes(loss) ? meta.lossOrder.indexOf(loss) : Infinity);
    const losses = [...byLoss.keys()].sort((a, b) => rank(a) - rank(b)); // stable: unlisted losses keep grid order
    const rows = losses.map((l) => buildRow(byLoss.get(l)!, ce));
    adjustTable(rows);
    const dataset = runDataset(g.run);
    const classNames = meta.datasets?.[dataset]?.classNames;
    groups.push({ dataset, data: g.run.data, arch: g.run.arch, ...(classNames ? { classNames } : {}), rows });
  }
  return { study: meta.study, sources: meta.sources, alpha: ALPHA, metrics: [...SUMMARY_METRICS], classNames: meta.classNames, groups };
}
