/** Summary rows: read from summary.json, or computed from the runs' latest epochs while a study runs. */
import type { Metric, MetricStat, SummaryGroup, SummaryRow } from '../types.ts';
import type { GridGroup } from './group.ts';
import { ci95, mean, pairedTTest, std } from './stats.ts';
import { comparedToCE, metricInfo } from './metrics.ts';

export const SUMMARY_METRICS = ['test_acc', 'f1', 'test_nll', 'ece', 'test_loss', 'train_loss', 'train_acc'];

function stat(values: number[]): MetricStat {
  return { mean: mean(values), std: std(values), ci95: ci95(values), values };
}

/** The last row of each run; a provisional stand-in for summary.json (same shape). */
export function summaryFromRuns(grids: readonly GridGroup[], metrics: readonly string[] = SUMMARY_METRICS): SummaryGroup[] {
  return grids.map((g) => {
    const lastBySeed = (runs: GridGroup['losses'][number]['runs']) =>
      new Map(runs.filter((r) => r.rows?.length).map((r) => [r.run.seed, r.rows![r.rows!.length - 1]]));
    const ce = g.losses.find((l) => l.loss === 'ce');
    const ceLast = ce ? lastBySeed(ce.runs) : new Map();
    const rows = g.losses.map((l): SummaryRow => {
      const last = lastBySeed(l.runs);
      const seeds = [...last.keys()].sort((a, b) => a - b);
      const row: SummaryRow = { loss: l.loss, label: l.label, n: seeds.length, seeds, final: {} };
      for (const m of metrics) row.final[m] = stat(seeds.map((s) => last.get(s)![m as Metric]));
      if (ce && l !== ce) {
        const shared = seeds.filter((s) => ceLast.has(s));
        row.vsCE = {};
        for (const m of metrics.filter(comparedToCE)) { // not each loss's own criterion
          row.vsCE[m] = pairedTTest(shared.map((s) => last.get(s)![m as Metric]), shared.map((s) => ceLast.get(s)[m]));
        }
      }
      return row;
    });
    return { data: g.data, arch: g.arch, rows };
  });
}

/** Labels of the rows holding the best mean of `metric` (none when the metric is not comparable). */
export function bestLabels(rows: readonly SummaryRow[], metric: string): Set<string> {
  const better = metricInfo(metric).better;
  const means = rows.map((r) => r.final[metric]?.mean ?? NaN).filter(Number.isFinite);
  if (!better || rows.length < 2 || !means.length) return new Set();
  const best = better === 'max' ? Math.max(...means) : Math.min(...means);
  return new Set(rows.filter((r) => r.final[metric]?.mean === best).map((r) => r.label));
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
export function summaryTable(groups: readonly SummaryGroup[], metrics: readonly string[]): { header: string[]; rows: (string | number)[][] } {
  const header = ['data', 'arch', 'loss', 'label', 'n', 'metric', 'mean', 'std', 'ci95_lo', 'ci95_hi', 'diff_vs_ce', 'diff_ci95_lo', 'diff_ci95_hi', 'p_value'];
  const rows: (string | number)[][] = [];
  for (const g of groups) for (const r of g.rows) for (const m of metrics) {
    const s = r.final[m];
    if (!s) continue;
    const d = comparedToCE(m) ? r.vsCE?.[m] : undefined;
    rows.push([g.data, g.arch, r.loss, r.label, r.n, m, s.mean, s.std ?? '', s.ci95?.[0] ?? '', s.ci95?.[1] ?? '',
      d?.meanDiff ?? '', d?.ci95?.[0] ?? '', d?.ci95?.[1] ?? '', d?.pValue ?? '']);
  }
  return { header, rows };
}
