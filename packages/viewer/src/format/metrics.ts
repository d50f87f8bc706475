/** What each metric of a results CSV is called, which way is better, and which the summary compares. */

export interface MetricInfo {
  key: string;
  title: string;
  /** Short column header. */
  short: string;
  /** 'max' or 'min' when values are comparable across losses; null when not (each loss's own criterion). */
  better: 'max' | 'min' | null;
  /** A loss-like quantity: log scale is offered. */
  lossLike: boolean;
  percent: boolean;
}

export const CURVE_METRICS: MetricInfo[] = [
  { key: 'test_acc', title: 'Test accuracy', short: 'test acc.', better: 'max', lossLike: false, percent: true },
  { key: 'f1', title: 'Macro-F1 (test)', short: 'macro-F1', better: 'max', lossLike: false, percent: true },
  { key: 'test_loss', title: 'Test loss (own criterion)', short: 'test loss (own)', better: null, lossLike: true, percent: false },
  { key: 'test_nll', title: 'Test cross-entropy', short: 'test CE', better: 'min', lossLike: true, percent: false },
  { key: 'ece', title: 'ECE (15 bins)', short: 'ECE', better: 'min', lossLike: false, percent: false },
  { key: 'train_loss', title: 'Train loss (own criterion)', short: 'train loss (own)', better: null, lossLike: true, percent: false },
  { key: 'train_acc', title: 'Train accuracy', short: 'train acc.', better: 'max', lossLike: false, percent: true },
];

/** The metrics of summary.json, in its order. */
export const SUMMARY_METRICS = ['test_acc', 'f1', 'test_nll', 'ece', 'test_loss', 'train_loss', 'train_acc'] as const;
export type SummaryMetric = (typeof SUMMARY_METRICS)[number];

/** Where a metric's values can lie: rates in [0, 1], losses and ECE ≥ 0. */
export const metricRange = (m: MetricInfo): [number, number] => (m.percent ? [0, 1] : [0, Infinity]);

export function metricInfo(key: string): MetricInfo {
  return CURVE_METRICS.find((m) => m.key === key) ?? { key, title: key, short: key, better: null, lossLike: false, percent: false };
}

/**
 * Whether a paired difference against CE means anything for this metric: not for a loss's own
 * criterion (test_loss, train_loss), which is on a different scale for each loss. Metrics not
 * known here are left to summary.json (it only holds vsCE where the CLI compared).
 */
export function comparedToCE(key: string): boolean {
  const known = CURVE_METRICS.find((m) => m.key === key);
  return !known || known.better !== null;
}

/** The summary metrics compared against CE (test_loss and train_loss are not). */
export const COMPARED_METRICS: SummaryMetric[] = SUMMARY_METRICS.filter(comparedToCE);
