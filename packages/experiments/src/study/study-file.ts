/**
 * study.json. Written by several processes when a grid is split (cells, shards, array jobs), so
 * every write is a read-modify-write under the folder lock `.study.lock/`, and the `runs` it holds
 * are re-derived each time from the per-run status files, which only their own cell writes.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { studyIdentity, validateConfig, type StudyConfig } from '../config/index.ts';
import type { DatasetSpec } from '../data/index.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import { UsageError } from '../util/errors.ts';
import { resolveInside } from '../util/inside.ts';
import { withLock } from '../util/lock.ts';
import { expandGrid, runFiles, type Cell } from './grid.ts';
import { readStatusOrNull, TERMINAL, type RunStatus } from './status.ts';
import { firstIssue, STUDY_FORMAT, StudyJsonSchema } from './schema.ts';

export const FORMAT = STUDY_FORMAT;
export const STUDY_FILE = 'study.json';
export const LOCK_DIR = '.study.lock';

/** A run as study.json lists it: its cell, its status (from its status file) and its files. */
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

/** study.json of `dir`, checked against its schema (schema.ts); null when there is none; UsageError (one line) when it is not one. */
export async function readStudy(dir: string): Promise<StudyJson | null> {
  const file = join(dir, STUDY_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not valid JSON`);
  }
  const parsed = StudyJsonSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`${file} is not a LossLab study file (${firstIssue(parsed.error)})`);
  return parsed.data as unknown as StudyJson;
}

function differences(a: StudyConfig, b: StudyConfig): string[] {
  const x = studyIdentity(a) as unknown as Record<string, unknown>;
  const y = studyIdentity(b) as unknown as Record<string, unknown>;
  return Object.keys(x).filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k]))
    .map((k) => `${k} ${JSON.stringify(y[k])} there vs ${JSON.stringify(x[k])} here`);
}

/** Throws UsageError when `dir` holds another study (or files that are not a study). */
export async function checkStudyFolder(dir: string, config: StudyConfig): Promise<StudyJson | null> {
  const existing = await readStudy(dir);
  if (!existing) {
    const entries = await readdir(dir).catch(() => [] as string[]);
    const foreign = entries.filter((e) => !e.startsWith('.'));
    if (foreign.length) throw new UsageError(`${dir} is not empty and holds no ${STUDY_FILE} (found ${foreign.slice(0, 3).join(', ')}); choose another --out`);
    return null;
  }
  let theirs: StudyConfig;
  try {
    theirs = validateConfig({ ...existing.config, outDir: dir });
  } catch {
    throw new UsageError(`${dir} holds a study whose configuration this version cannot read; choose another --out`);
  }
  const diff = differences(config, theirs);
  if (diff.length) throw new UsageError(`${dir} holds another study ('${existing.name}': ${diff.join('; ')}); choose another --out`);
  return existing;
}

function pendingRun(c: Cell, epochs: number): StudyRun {
  const f = runFiles(c);
  return {
    id: c.id, index: c.index, loss: c.loss, label: c.label, seed: c.seed, data: c.data, arch: c.arch, dataset: c.dataset,
    status: 'pending', epochsDone: 0, epochs, divergedEpoch: null, error: null, startedAt: null, endedAt: null, adapter: null,
    csv: f.csv, final: f.final, state: f.state, statusFile: f.status,
  };
}

function mergeRun(r: StudyRun, s: RunStatus | null): StudyRun {
  if (!s) return r;
  const { id: _id, index: _i, ...rest } = s;
  return { ...r, ...rest };
}

function studyStatus(runs: StudyRun[]): StudyJson['status'] {
  if (!runs.every((r) => TERMINAL.includes(r.status))) return 'running';
  return runs.some((r) => r.status === 'failed') ? 'failed' : 'done';
}

/** Re-reads every run's status file into study.json (and applies `patch`), under the lock. */
export async function refreshStudy(dir: string, patch: Partial<Pick<StudyJson, 'adapter' | 'datasets'>> = {}): Promise<StudyJson> {
  return withLock(join(dir, LOCK_DIR), async () => {
    const study = await readStudy(dir);
    if (!study) throw new Error(`${dir}/${STUDY_FILE} disappeared`);
    const runs = await Promise.all(study.runs.map(async (r) => mergeRun(r, await readStatusOrNull(await resolveInside(dir, r.statusFile)))));
    const starts = runs.map((r) => r.startedAt).filter((t): t is string => !!t).sort();
    const ends = runs.map((r) => r.endedAt).filter((t): t is string => !!t).sort();
    const status = studyStatus(runs);
    const next: StudyJson = {
      ...study,
      adapter: study.adapter ?? patch.adapter ?? null,
      ...(study.datasets || patch.datasets ? { datasets: { ...study.datasets, ...patch.datasets } } : {}),
      runs,
      status,
      startedAt: starts[0] ?? null,
      endedAt: status === 'running' ? null : (ends[ends.length - 1] ?? null),
    };
    await writeJsonAtomic(join(dir, STUDY_FILE), next);
    return next;
  });
}

/** Creates study.json if absent (all runs pending); checks an existing one is the same study. */
export async function openStudy(dir: string, config: StudyConfig, meta: StudyMeta): Promise<StudyJson> {
  return withLock(join(dir, LOCK_DIR), async () => {
    const existing = await checkStudyFolder(dir, config);
    if (existing) return existing;
    const study: StudyJson = {
      format: FORMAT,
      name: config.name,
      status: 'running',
      createdAt: new Date().toISOString(),
      startedAt: null,
      endedAt: null,
      config: studyIdentity(config),
      versions: meta.versions,
      gitCommit: meta.gitCommit,
      adapter: null,
      classNames: meta.classNames,
      ...(meta.datasets ? { datasets: meta.datasets } : {}),
      runs: expandGrid(config).map((c) => pendingRun(c, config.epochs)),
    };
    await writeJsonAtomic(join(dir, STUDY_FILE), study);
    return study;
  });
}
