/** Reads a study folder back: study.json merged with the run status files, final CSV rows and final.json. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lastRowValues, parseCsv, type CsvColumn } from './csv.ts';
import { UsageError } from '../util/errors.ts';
import type { FinalJson } from './final.ts';
import { readStatusOrNull } from './status.ts';
import { readStudy, type StudyJson, type StudyRun } from './study-file.ts';

export interface RunRecord {
  source: string;
  run: StudyRun;
  /** The last CSV row's values (done runs). */
  final: Partial<Record<CsvColumn, number>> | null;
  /** Per-class recall from final.json (done runs). */
  recall: number[] | null;
  /** Why a finished run's results could not be read (its CSV missing or broken): it is left out of the statistics. */
  damaged?: string;
}

/** `name`: the CSV relative to its study folder (summary files carry no absolute paths). */
async function finalRow(file: string, name: string): Promise<{ final: RunRecord['final'] } | { damaged: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { damaged: `${name}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : `cannot be read (${(e as NodeJS.ErrnoException).code})`}` };
  }
  try {
    const final = lastRowValues(parseCsv(text));
    return final ? { final } : { damaged: `${name}: no rows` };
  } catch (e) {
    return { damaged: `${name}: not a results CSV (${(e as Error).message.split('\n')[0]})` };
  }
}

export async function collectStudy(dir: string): Promise<{ study: StudyJson; records: RunRecord[] }> {
  const study = await readStudy(dir);
  if (!study) throw new UsageError(`${dir} holds no readable study.json (not a LossLab study folder)`);
  const records = await Promise.all(study.runs.map(async (r): Promise<RunRecord> => {
    const s = await readStatusOrNull(join(dir, r.statusFile)).catch(() => null);
    const run: StudyRun = s ? { ...r, ...s } : r;
    if (run.status !== 'done') return { source: dir, run, final: null, recall: null };
    const row = await finalRow(join(dir, run.csv), run.csv);
    if ('damaged' in row) return { source: dir, run, final: null, recall: null, damaged: row.damaged };
    const fj = await readFile(join(dir, run.final), 'utf8').then((t) => JSON.parse(t) as FinalJson, () => null);
    return { source: dir, run, final: row.final, recall: fj?.perClass ? fj.perClass.map((c) => c.recall) : null };
  }));
  return { study, records };
}
