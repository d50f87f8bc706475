/** What the loader hands to the pages: the study, each run's rows and details, and problems found. */
import type { Settings } from './settings.ts';
import type { EpochRow, FinalDetails, RunEntry, SaliencyFile, Study, Summary } from '../format/types.ts';

export interface LoadedRun {
  run: RunEntry;
  /** null when the CSV is missing or unreadable (see csvError). */
  rows: EpochRow[] | null;
  csvError?: string;
  final?: FinalDetails;
  finalError?: string;
  saliency?: SaliencyFile;
  saliencyError?: string;
  /** The study folder the run was read from (a view of several folders). */
  study?: string;
  /** What it was trained with besides loss and seed (its study's config, grid axes from the run): runs pool only when these agree. */
  settings?: Settings;
}

export interface Problem {
  file: string;
  message: string;
  level: 'error' | 'warning';
}

export interface StudyData {
  /** The study folder, relative to the results root ('' for the root itself). */
  path: string;
  study: Study;
  runs: LoadedRun[];
  summary?: Summary;
  problems: Problem[];
}
