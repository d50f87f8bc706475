/** What every study page gets: the loaded study, the loss labels in colour order, view options. */
import type { StudyData } from '../data/model.ts';

export interface ViewOptions {
  smoothing: number;
  showSeeds: boolean;
  logLosses: boolean;
  /** Per-loss page: 'all' (pooled over seeds) or one seed. */
  seed: 'all' | number;
}

export interface PageContext {
  data: StudyData;
  labels: string[];
  options: ViewOptions;
  /** Re-renders the current page after an option changed. */
  update(): void;
}

export const defaultOptions = (): ViewOptions => ({ smoothing: 0, showSeeds: false, logLosses: false, seed: 'all' });
