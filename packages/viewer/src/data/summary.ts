/**
 * Summary rows: read from summary.json, or computed from the runs while a study runs (or when
 * summary.json is missing). A provisional table compares every seed at one epoch — the latest
 * that every run with rows in the group has reached — never a mix of epochs.
 */
import type { MetricStat, PairedDiff, SummaryGroup, SummaryRow } from '../format/types.ts';
import { ALPHA, bootstrapCi, describe, holmAdjust, mean, MIN_SEEDS_TO_TEST, pairedTTest } from '../format/stats.ts';
import { comparedToCE, metricInfo, SUMMARY_METRICS } from '../format/metrics.ts';
import type { GridGroup } from './group.ts';

export { SUMMARY_METRICS };

export interface ProvisionalGroup extends SummaryGroup {
  /** The panel's settings beyond data and arch, and its title, as in GridGroup. */
  group: string;
  title: string;
  /** The common epoch the rows are taken at (0 when no run has a row). */
  epoch: number;
  /** Runs further along than `epoch`, whose later epochs are left out. */
  ahead: number;
}

/** The latest epoch every run with rows has reached. */
export function commonEpoch(g: GridGroup): number {
  const lasts = g.losses.flatMap((l) => l.runs).filter((r) => r.rows?.length).map((r) => r.rows![r.rows!.length - 1].epoch);
  return lasts.length ? Math.min(...lasts) : 0;
}

function stat(values: number[]): MetricStat {
  const d = describe(values);
  return { mean: d.mean, std: d.std, ci95: d.ci95, values: d.values };
}

function paired(a: number[], b: number[]): PairedDiff {
  const d = a.map((x, i) => x - b[i]).filter(Number.isFinite);
  if (!d.length) return { meanDiff: null, ci95: null, pValue: null, pAdjusted: null, n: 0, significant: false, tooFewSeeds: true };
  const { pValue } = pairedTTest(d);
  const ci = describe(d).ci95;
  // significant and pAdjusted are set per table (Holm), as losslab summary does; the bootstrap CI is the CLI's (same seed).
  return { meanDiff: mean(d), ci95: ci, bootstrapCi95: bootstrapCi(d), pValue, pAdjusted: null, n: d.length, significant: false, tooFewSeeds: d.length < MIN_SEEDS_TO_TEST };
}

/** Holm's correction across one table's tested comparisons; significant = adjusted p < α. */
function adjustTable(rows: SummaryRow[]): void {
  const family = rows.flatMap((r) => Object.values(r.vsCE ?? {})).filter((v): v is PairedDiff => !!v && !v.tooFewSeeds && v.pValue !== null);
  const adjusted = holmAdjust(family.map((v) => v.pValue));
  family.forEach((v, i) => {
    v.pAdjusted = adjusted[i];
    v.significant = adjusted[i]! < ALPHA;
  });
}

/** Each run's row at the group's common epoch; a stand-in for summary.json (same shape). */
export function summaryFromRuns(grids: readonly GridGroup[], metrics: readonly string[] = SUMMARY_METRICS): ProvisionalGroup[] {
  return grids.map((g) => {
    const epoch = commonEpoch(g);
    let ahead = 0;
    const atEpoch = (runs: GridGroup['losses'][number]['runs']) => {
      const out = new Map<number, Record<string, number>>();
      for (const r of runs) {
        const row = r.rows?.find((x) => x.epoch === epoch);
        if (!row) continue;
        if (r.rows![r.rows!.length - 1].epoch > epoch) ahead++;
        out.set(r.run.seed, row as unknown as Record<string, number>);
      }
      return out;
    };
    const ce = g.losses.find((l) => l.loss === 'ce');
    const ceAt = ce ? atEpoch(ce.runs) : new Map<number, Record<string, number>>();
    const rows = g.losses.map((l): SummaryRow => {
      const at = l === ce ? ceAt : atEpoch(l.runs);
      const seeds = [...at.keys()].sort((a, b) => a - b);
      const row: SummaryRow = { loss: l.loss, label: l.label, n: seeds.length, seeds, final: {} };
      for (const m of metrics) {
        const values = seeds.map((s) => at.get(s)![m]).filter(Number.isFinite);
        if (values.length) row.final[m] = stat(values);
      }
      if (ce && l !== ce) {
        const shared = seeds.filter((s) => ceAt.has(s));
        row.vsCE = {};
        for (const m of metrics.filter(comparedToCE)) { // not each loss's own criterion
          row.vsCE[m] = paired(shared.map((s) => at.get(s)![m]), shared.map((s) => ceAt.get(s)![m]));
        }
      }
      return row;
    });
    adjustTable(rows);
    return { group: g.group, title: g.title, data: g.data, arch: g.arch, rows, epoch, ahead };
  });
}

/** Whether a difference vs CE is an improvement ('better'), a deterioration ('worse') or neither. */
export function diffDirection(metric: string, d: PairedDiff): 'better' | 'worse' | 'none' {
  const better = metricInfo(metric).better;
  if (!better || d.meanDiff === null || d.meanDiff === 0 || !Number.isFinite(d.meanDiff)) return 'none';
  return (d.meanDiff > 0) === (better === 'max') ? 'better' : 'worse';
}

/** A loss whose mean test accuracy is below this multiple of chance (1 / classes) is "at chance": its calibration or loss values are no win. */
export const CHANCE_FACTOR = 1.5;

export function atChance(r: SummaryRow, classCount: number): boolean {
  const acc = r.final.test_acc?.mean;
  return acc !== undefined && classCount > 0 && acc < CHANCE_FACTOR / classCount;
}

/** A row's value of `metric` per seed (summary values follow the row's seeds). */
function bySeed(r: SummaryRow, metric: string): Map<number, number> {
  const v = r.final[metric]?.values ?? [];
  return v.length === r.seeds.length ? new Map(r.seeds.map((s, i) => [s, v[i]])) : new Map();
}

/**
 * Labels of the row marked "★ best" in `metric`: the best mean among losses above chance, and only
 * when it is significantly better than the runner-up (paired t-test over their shared seeds,
 * p < α, at least MIN_SEEDS_TO_TEST seeds). None when the metric is not comparable across losses.
 */
export function bestLabels(rows: readonly SummaryRow[], metric: string, classCount = 10): Set<string> {
  const better = metricInfo(metric).better;
  if (!better) return new Set();
  const ranked = rows.filter((r) => !atChance(r, classCount) && Number.isFinite(r.final[metric]?.mean ?? NaN))
    .sort((a, b) => (better === 'max' ? -1 : 1) * (a.final[metric]!.mean - b.final[metric]!.mean));
  if (ranked.length < 2) return new Set();
  const [best, next] = ranked;
  const a = bySeed(best, metric);
  const b = bySeed(next, metric);
  const diffs = [...a.keys()].filter((s) => b.has(s)).map((s) => a.get(s)! - b.get(s)!);
  if (diffs.length < MIN_SEEDS_TO_TEST) return new Set();
  const { pValue } = pairedTTest(diffs);
  const right = (mean(diffs) > 0) === (better === 'max');
  return pValue !== null && pValue < ALPHA && right ? new Set([best.label]) : new Set();
}

export type SortKey = { column: 'label' } | { column: 'metric'; metric: string };

/** Rows sorted by label or by a metric's mean (NaN last), ascending or descending. */
export function sortRows(rows: readonly SummaryRow[], key: SortKey, descending: boolean): SummaryRow[] {
  const value = (r: SummaryRow) => (key.column === 'label' ? r.label : r.final[key.metric]?.mean ?? NaN);
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (typeof va === 'number' && typeof vb === 'number') {
      if (Number.isNaN(va) || Number.isNaN(vb)) return Number.isNaN(va) ? (Number.isNaN(vb) ? 0 : 1) : -1;
      return descending ? vb - va : va - vb;
    }
    const c = String(va).localeCompare(String(vb));
    return descending ? -c : c;
  });
}

/** Flat CSV rows of the summary: one line per group × loss × metric. */
export function summaryTable(groups: readonly (SummaryGroup & { title?: string })[], metrics: readonly string[]): { header: string[]; rows: (string | number)[][] } {
  const header = ['group', 'data', 'arch', 'loss', 'label', 'n', 'metric', 'mean', 'std', 'ci95_lo', 'ci95_hi', 'diff_vs_ce', 'diff_ci95_lo', 'diff_ci95_hi', 'diff_bootstrap_ci95_lo', 'diff_bootstrap_ci95_hi', 'p_value', 'p_holm', 'significant'];
  const rows: (string | number)[][] = [];
  for (const g of groups) for (const r of g.rows) for (const m of metrics) {
    const s = r.final[m];
    if (!s) continue;
    const d = comparedToCE(m) ? r.vsCE?.[m] : undefined;
    rows.push([g.title ?? '', g.data, g.arch, r.loss, r.label, r.n, m, s.mean, s.std ?? '', s.ci95?.[0] ?? '', s.ci95?.[1] ?? '',
      d?.meanDiff ?? '', d?.ci95?.[0] ?? '', d?.ci95?.[1] ?? '', d?.bootstrapCi95?.[0] ?? '', d?.bootstrapCi95?.[1] ?? '', d?.pValue ?? '', d?.pAdjusted ?? '', d ? String(d.significant) : '']);
  }
  return { header, rows };
}
