/** Reads a study folder back: study.json merged with the run status files, final CSV rows and final.json. */
import { lastRowValues, type CsvColumn } from './csv.ts';
import { UsageError } from '../util/errors.ts';
import { resolveInside } from '../util/inside.ts';
import { readFinal } from './final.ts';
import { readRunRows } from './rows.ts';
import { readStatusOrNull } from './status.ts';
import { readStudy, type StudyJson, type StudyRun } from './study-file.ts';

export interface RunRecord {
  source: string;
  run: StudyRun;
  /** The last CSV row's values (done runs). */
  final: Partial<Record<CsvColumn, number>> | null;
  /** Per-class recall from final.json (done runs). */
  recall: number[] | null;
  /** Why a finished run's results could not be read (its CSV missing, broken or short of its epochs): it is left out of the statistics. */
  damaged?: string;
}

/** study.json of `dir` (UsageError when there is none), each run merged with its status file. */
export async function readStudyRuns(dir: string): Promise<{ study: StudyJson; runs: StudyRun[] }> {
  const study = await readStudy(dir);
  if (!study) throw new UsageError(`${dir} holds no readable study.json (not a LossLab study folder)`);
  const runs = await Promise.all(study.runs.map(async (r) => {
    const s = await readStatusOrNull(await resolveInside(dir, r.statusFile)).catch((e) => {
      if (e instanceof UsageError) throw e;
      return null;
    });
    return s ? { ...r, ...s, id: r.id, index: r.index } : r;
  }));
  return { study, runs };
}

export async function collectStudy(dir: string): Promise<{ study: StudyJson; records: RunRecord[] }> {
  const { study, runs } = await readStudyRuns(dir);
  const records = await Promise.all(runs.map(async (run): Promise<RunRecord> => {
    if (run.status !== 'done') return { source: dir, run, final: null, recall: null };
    const got = await readRunRows(await resolveInside(dir, run.csv), study.config, run);
    const final = 'rows' in got ? lastRowValues(got.rows) : null;
    if (!final) return { source: dir, run, final: null, recall: null, damaged: `${run.csv}: ${'problem' in got ? got.problem : 'no rows'}` };
    const fj = await readFinal(await resolveInside(dir, run.final));
    if ('problem' in fj) return { source: dir, run, final: null, recall: null, damaged: `${run.final}: ${fj.problem}` };
    return { source: dir, run, final, recall: Array.isArray(fj.final.perClass) ? fj.final.perClass.map((c) => c.recall) : null };
  }));
  return { study, records };
}

/** Config keys that may differ between folders read together: the grid's axes (each run is labelled with its own) and the name. */
const GRID_KEYS = new Set(['name', 'losses', 'seeds', 'data', 'arch']);

/**
 * Folders read together (summary, compare) must have trained with the same settings: merging 3-epoch
 * and 2-epoch runs would compute differences across settings. UsageError naming what differs.
 */
export function requireSameSettings(studies: { dir: string; study: StudyJson }[]): void {
  const [first, ...rest] = studies;
  for (const other of rest) {
    const a = first.study.config as unknown as Record<string, unknown>;
    const b = other.study.config as unknown as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !GRID_KEYS.has(k));
    const diff = keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).map((k) => `${k} ${JSON.stringify(a[k]) ?? 'unset'} vs ${JSON.stringify(b[k]) ?? 'unset'}`);
    if (diff.length) throw new UsageError(`${first.dir} and ${other.dir} were trained with different settings (${diff.join('; ')}): summarise or compare them separately`);
  }
}
