/**
 * study.json. Written by several processes when a grid is split (cells, shards, array jobs), so
 * every write is a read-modify-write under the folder lock `.study.lock/`, and the `runs` it holds
 * are re-derived each time from the per-run status files, which only their own cell writes.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { studyIdentity, validateConfig, type StudyConfig } from '../config/index.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import { UsageError } from '../util/errors.ts';
import { resolveInside } from '../util/inside.ts';
import { withLock } from '../util/lock.ts';
import { readStatusOrNull } from './status.ts';
import { firstIssue, StudyJsonSchema } from './schema.ts';
import { newStudyJson, refreshedStudy, STUDY_FORMAT, type StudyJson, type StudyMeta } from './study-json.ts';

export const FORMAT = STUDY_FORMAT;
export const STUDY_FILE = 'study.json';
export const LOCK_DIR = '.study.lock';

export { newStudyJson, refreshedStudy, type StudyJson, type StudyMeta, type StudyRun } from './study-json.ts';

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

/** Re-reads every run's status file into study.json (and applies `patch`), under the lock. */
export async function refreshStudy(dir: string, patch: Partial<Pick<StudyJson, 'adapter' | 'datasets'>> = {}): Promise<StudyJson> {
  return withLock(join(dir, LOCK_DIR), async () => {
    const study = await readStudy(dir);
    if (!study) throw new Error(`${dir}/${STUDY_FILE} disappeared`);
    const statuses = await Promise.all(study.runs.map(async (r) => readStatusOrNull(await resolveInside(dir, r.statusFile))));
    const next = refreshedStudy(study, statuses, patch);
    await writeJsonAtomic(join(dir, STUDY_FILE), next);
    return next;
  });
}

/** Creates study.json if absent (all runs pending); checks an existing one is the same study. */
export async function openStudy(dir: string, config: StudyConfig, meta: StudyMeta): Promise<StudyJson> {
  return withLock(join(dir, LOCK_DIR), async () => {
    const existing = await checkStudyFolder(dir, config);
    if (existing) return existing;
    const study = newStudyJson(config, meta);
    await writeJsonAtomic(join(dir, STUDY_FILE), study);
    return study;
  });
}
