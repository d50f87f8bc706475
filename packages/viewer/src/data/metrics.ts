/** What each plotted / summarised metric is called and which way is better. */
export interface MetricInfo {
  key: string;
  title: string;
  /** 'max' or 'min' when values are comparable across losses; null when not (each loss's own criterion). */
  better: 'max' | 'min' | null;
  /** A loss-like quantity: log scale is offered. */
  lossLike: boolean;
  percent: boolean;
}

export const CURVE_METRICS: MetricInfo[] = [
  { key: 'test_acc', title: 'Test accuracy', better: 'max', lossLike: false, percent: true },
  { key: 'f1', title: 'Macro-F1 (test)', better: 'max', lossLike: false, percent: true },
  { key: 'test_loss', title: 'Test loss (own criterion)', better: null, lossLike: true, percent: false },
  { key: 'test_nll', title: 'Test cross-entropy', better: 'min', lossLike: true, percent: false },
  { key: 'ece', title: 'ECE (15 bins)', better: 'min', lossLike: false, percent: false },
  { key: 'train_loss', title: 'Train loss (own criterion)', better: null, lossLike: true, percent: false },
  { key: 'train_acc', title: 'Train accuracy', better: 'max', lossLike: false, percent: true },
];

export function metricInfo(key: string): MetricInfo {
  return CURVE_METRICS.find((m) => m.key === key) ?? { key, title: key, better: null, lossLike: false, percent: false };
}

/**
 * Whether a paired difference against CE means anything for this metric: not for a loss's own
 * criterion (test_loss, train_loss), which is on a different scale for each loss. Metrics the viewer
 * does not know are left to summary.json (it only holds vsCE where the CLI compared).
 */
export function comparedToCE(key: string): boolean {
  const known = CURVE_METRICS.find((m) => m.key === key);
  return !known || known.better !== null;
}
