/** What every study page gets: the loaded study (or merged studies), the loss labels in display order, view options. */
import type { Comparison } from '../data/merge.ts';
import type { StudyData } from '../data/model.ts';

export interface ViewOptions {
  smoothing: number;
  showSeeds: boolean;
  logLosses: boolean;
  /** Per-loss page: 'all' (pooled over seeds) or one seed. */
  seed: 'all' | number;
  /** Several studies that differ: the config key they are grouped by. */
  groupBy: string | null;
}

export interface PageContext {
  data: StudyData;
  labels: string[];
  options: ViewOptions;
  /** Set when several folders are shown together. */
  comparison?: Comparison;
  /** Start of export file names. */
  tag: string;
  /** Re-renders the whole page (after an option that changes what is loaded, e.g. the grouping key). */
  update(): void;
}

export const defaultOptions = (): ViewOptions => ({ smoothing: 0, showSeeds: false, logLosses: false, seed: 'all', groupBy: null });
