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
  /** The y-axis label, with its unit. */
  axis: string;
}

export const CURVE_METRICS: MetricInfo[] = [
  { key: 'test_acc', title: 'Test accuracy', short: 'test acc.', better: 'max', lossLike: false, percent: true, axis: 'test accuracy (fraction correct)' },
  { key: 'f1', title: 'Macro-F1 (test)', short: 'macro-F1', better: 'max', lossLike: false, percent: true, axis: 'macro-F1 (0–1)' },
  { key: 'test_loss', title: 'Test loss (own criterion)', short: 'test loss (own)', better: null, lossLike: true, percent: false, axis: 'own loss (each loss\'s scale)' },
  { key: 'test_nll', title: 'Test cross-entropy', short: 'test CE', better: 'min', lossLike: true, percent: false, axis: 'cross-entropy (nats per example)' },
  { key: 'ece', title: 'ECE (15 bins)', short: 'ECE', better: 'min', lossLike: false, percent: false, axis: 'ECE (fraction, 15 bins)' },
  { key: 'train_loss', title: 'Train loss (own criterion)', short: 'train loss (own)', better: null, lossLike: true, percent: false, axis: 'own loss (each loss\'s scale)' },
  { key: 'train_acc', title: 'Train accuracy', short: 'train acc.', better: 'max', lossLike: false, percent: true, axis: 'train accuracy (fraction correct)' },
];

/** The other columns of a results CSV: any chart can show them too. */
export const OTHER_METRICS: MetricInfo[] = [
  { key: 'lr', title: 'Learning rate', short: 'lr', better: null, lossLike: true, percent: false, axis: 'learning rate' },
  { key: 'seconds', title: 'Seconds per epoch', short: 'seconds', better: null, lossLike: false, percent: false, axis: 'seconds per epoch (s)' },
];

/**
 * The one definition of ECE the viewer, the CLI and the figures use: each run's expected
 * calibration error over 15 equal-width confidence bins, Σ_b (n_b / N) · |accuracy_b − confidence_b|
 * on the test set; across seeds, the mean ± sample std of the runs' ECEs (never bins pooled over seeds).
 */
export const ECE_DEFINITION = 'ECE: per run, 15 equal-width confidence bins, Σ (n_b/N)·|accuracy_b − confidence_b| on the test set; across seeds, mean ± std of the runs\' ECEs';

/** The metrics of summary.json, in its order. */
export const SUMMARY_METRICS = ['test_acc', 'f1', 'test_nll', 'ece', 'test_loss', 'train_loss', 'train_acc'] as const;
export type SummaryMetric = (typeof SUMMARY_METRICS)[number];

/** Where a metric's values can lie: rates in [0, 1], losses and ECE ≥ 0. */
export const metricRange = (m: MetricInfo): [number, number] => (m.percent ? [0, 1] : [0, Infinity]);

export function metricInfo(key: string): MetricInfo {
  return [...CURVE_METRICS, ...OTHER_METRICS].find((m) => m.key === key) ?? { key, title: key, short: key, better: null, lossLike: false, percent: false, axis: key };
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
