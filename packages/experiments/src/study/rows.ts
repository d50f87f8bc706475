/**
 * Which rows a run's results CSV must hold, from its status: one per evaluated epoch up to
 * epochsDone, and the diverged epoch's. Readers (summary, compare, export-metrics) and resume all
 * check a CSV against this, so a CSV cut short, garbled or from another run is reported as
 * damaged, never read as the run's final numbers.
 */
import { readFile } from 'node:fs/promises';
import type { StudyConfig } from '../config/index.ts';
import { parseCsv, type CsvRow } from './csv.ts';
import { TERMINAL, type RunStatus } from './status.ts';

/** The epochs that have a CSV row once `upTo` epochs are committed. */
export function evaluatedEpochs(config: Pick<StudyConfig, 'epochs' | 'evalEvery'>, upTo: number): number[] {
  const out: number[] = [];
  for (let e = 1; e <= upTo; e++) if (e % config.evalEvery === 0 || e === config.epochs) out.push(e);
  return out;
}

/** Reads a run's CSV and checks it holds the rows its status says it committed: exactly those once the run has ended. */
export function readRunRows(file: string, config: Pick<StudyConfig, 'evalEvery'>, run: Pick<RunStatus, 'status' | 'epochsDone' | 'epochs' | 'divergedEpoch'>): Promise<RowsOutcome> {
  const expected = evaluatedEpochs({ epochs: run.epochs, evalEvery: config.evalEvery }, run.epochsDone);
  if (run.status === 'diverged' && run.divergedEpoch !== null && !expected.includes(run.divergedEpoch)) expected.push(run.divergedEpoch);
  return readRows(file, expected, TERMINAL.includes(run.status));
}

export type RowsOutcome = { rows: CsvRow[] } | { problem: string };

/**
 * `rows` if they are those of `expected`, or why not. `exact` (a finished run): nothing else; else
 * rows past the last expected epoch are dropped (written by a process killed before its commit).
 */
export function checkRows(rows: CsvRow[], expected: number[], exact: boolean): RowsOutcome {
  const last = expected.length ? expected[expected.length - 1] : 0;
  const kept = exact ? rows : rows.filter((r) => r.epoch! <= last);
  const got = kept.map((r) => r.epoch);
  if (got.length !== expected.length || got.some((e, i) => e !== expected[i])) {
    return { problem: `holds rows for epochs [${got.join(', ')}], expected [${expected.join(', ')}]` };
  }
  return { rows: kept };
}

/** Reads and checks a run's CSV (see checkRows). A missing CSV is fine while no row is expected. */
export async function readRows(file: string, expected: number[], exact = false): Promise<RowsOutcome> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return expected.length ? { problem: 'missing' } : { rows: [] };
    return { problem: `cannot be read (${code ?? (e as Error).message.split('\n')[0]})` };
  }
  let rows: CsvRow[];
  try {
    rows = parseCsv(text);
  } catch (e) {
    return { problem: `not a results CSV (${(e as Error).message.split('\n')[0]})` };
  }
  return checkRows(rows, expected, exact);
}
