/**
 * study.json's content: the initial file (every run pending) and the study as its runs' status
 * files make it. Node-free: the browser's Train page builds its study.json with it too; the
 * Node side (study-file.ts) adds the reading, writing and locking.
 */
import { studyIdentity, type StudyConfig } from '../config/study-config.ts';
import type { DatasetSpec } from '../data/dataset.ts';
import { expandGrid, runFiles, type Cell } from './grid.ts';
import type { RunStatus, RunStatusName } from './status.ts';

/** study.json's format number. */
export const STUDY_FORMAT = 1;
/** Run states after which nothing more happens to a run. */
export const TERMINAL: RunStatusName[] = ['done', 'diverged', 'failed'];

export interface StudyRun extends RunStatus {
  loss: string;
  label: string;
  seed: number;
  data: string;
  arch: string;
  /** The data set (absent in study folders from before the dataset axis: CIFAR-10). */
  dataset?: string;
  csv: string;
  final: string;
  state: string;
  statusFile: string;
}

export interface StudyJson {
  format: number;
  name: string;
  status: 'running' | 'done' | 'failed';
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  /** The configuration without outDir: a study folder does not record where it was (it may be moved or committed). */
  config: Omit<StudyConfig, 'outDir'>;
  versions: Record<string, string | null>;
  gitCommit: string | null;
  adapter: Record<string, unknown> | null;
  /** The class names when the study has one data set (else [], and each data set's are in `datasets`). */
  classNames: string[];
  /** Each data set's numbers (shape, classes, normalisation, …) by its --dataset name, as loaded; absent before the dataset axis. */
  datasets?: Record<string, DatasetSpec>;
  runs: StudyRun[];
}

export interface StudyMeta {
  versions: Record<string, string | null>;
  gitCommit: string | null;
  classNames: string[];
  /** The specs of the data sets this process loaded, by --dataset name. */
  datasets?: Record<string, DatasetSpec>;
}

export function pendingRun(c: Cell, epochs: number): StudyRun {
  const f = runFiles(c);
  return {
    id: c.id, index: c.index, loss: c.loss, label: c.label, seed: c.seed, data: c.data, arch: c.arch, dataset: c.dataset,
    status: 'pending', epochsDone: 0, epochs, divergedEpoch: null, error: null, startedAt: null, endedAt: null, adapter: null,
    csv: f.csv, final: f.final, state: f.state, statusFile: f.status,
  };
}

export function mergeRun(r: StudyRun, s: RunStatus | null): StudyRun {
  if (!s) return r;
  const { id: _id, index: _i, ...rest } = s;
  return { ...r, ...rest };
}

export function studyStatus(runs: StudyRun[]): StudyJson['status'] {
  if (!runs.every((r) => TERMINAL.includes(r.status))) return 'running';
  return runs.some((r) => r.status === 'failed') ? 'failed' : 'done';
}

/** A new study's study.json: every run pending. */
export function newStudyJson(config: Omit<StudyConfig, 'outDir'> & { outDir?: string }, meta: StudyMeta, createdAt = new Date().toISOString()): StudyJson {
  return {
    format: STUDY_FORMAT,
    name: config.name,
    status: 'running',
    createdAt,
    startedAt: null,
    endedAt: null,
    config: studyIdentity(config as StudyConfig),
    versions: meta.versions,
    gitCommit: meta.gitCommit,
    adapter: null,
    classNames: meta.classNames,
    ...(meta.datasets ? { datasets: meta.datasets } : {}),
    runs: expandGrid(config as StudyConfig).map((c) => pendingRun(c, config.epochs)),
  };
}

/** The study with each run's status merged in (null: the run has no status file yet) and its status and times derived from them. */
export function refreshedStudy(study: StudyJson, statuses: (RunStatus | null)[], patch: Partial<Pick<StudyJson, 'adapter' | 'datasets'>> = {}): StudyJson {
  const runs = study.runs.map((r, i) => mergeRun(r, statuses[i]));
  const starts = runs.map((r) => r.startedAt).filter((t): t is string => !!t).sort();
  const ends = runs.map((r) => r.endedAt).filter((t): t is string => !!t).sort();
  const status = studyStatus(runs);
  return {
    ...study,
    adapter: study.adapter ?? patch.adapter ?? null,
    ...(study.datasets || patch.datasets ? { datasets: { ...study.datasets, ...patch.datasets } } : {}),
    runs,
    status,
    startedAt: starts[0] ?? null,
    endedAt: status === 'running' ? null : (ends[ends.length - 1] ?? null),
  };
}
