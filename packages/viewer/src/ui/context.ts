/** What every study page gets: the loaded study (or merged studies), the loss labels in display order, view options. */
import type { Comparison } from '../data/merge.ts';
import type { StudyData } from '../data/model.ts';
import { emptySelection, type RunSelection } from '../data/runfilter.ts';

export interface ViewOptions {
  smoothing: number;
  showSeeds: boolean;
  logLosses: boolean;
  /** Per-loss page: 'all' (pooled over seeds) or one seed. */
  seed: 'all' | number;
  /** Differing settings drawn as series within a chart (from the address); the others split panels. */
  series: string[];
  /** The runs table's filter and hidden runs: every page shows only the runs they keep. */
  runs: RunSelection;
}

export interface PageContext {
  /** The runs the pages show (the runs table's filter and hide applied). */
  data: StudyData;
  /** Every run loaded, for the runs table. */
  all: StudyData;
  labels: string[];
  options: ViewOptions;
  /** Set when several folders are shown together. */
  comparison?: Comparison;
  /** Start of export file names. */
  tag: string;
  /** Re-renders the whole page (after an option that changes what is loaded). */
  update(): void;
  /** Goes to the same page with other settings drawn as series (the address changes; the page follows). */
  setSeries(series: string[]): void;
}

export const defaultOptions = (): ViewOptions => ({ smoothing: 0, showSeeds: false, logLosses: false, seed: 'all', series: [], runs: emptySelection() });
