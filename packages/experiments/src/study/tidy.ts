/**
 * A study as one tidy long table for tracking tools (pandas, Weights & Biases, MLflow): one row per
 * run × epoch × metric. The columns and their types are defined here once; the README documents them.
 */
import { stringify } from 'csv-stringify/sync';
import { CSV_COLUMNS, formatNumber, type CsvColumn } from './csv.ts';
import { readStudyRuns } from './collect.ts';
import { readRunRows } from './rows.ts';
import { resolveInside } from '../util/inside.ts';
import { runDataset } from './summary.ts';

/** Column → type: `value` is a float (NaN for a diverged epoch: `nan` in CSV, null in JSON lines). */
export const TIDY_SCHEMA = {
  run: 'string', // the cell id, e.g. clean_convnet_ce_s0
  loss: 'string', // as given to --losses, e.g. ce, focal:2
  seed: 'integer',
  dataset: 'string', // the data set: cifar10, fashion-mnist, … (a manifest's path)
  data: 'string', // data variant: clean, lt100, noise40, …
  arch: 'string',
  epoch: 'integer', // 1-based
  metric: 'string', // a column of <Label>_results.csv (TIDY_METRICS)
  value: 'number',
} as const;
export type TidyColumn = keyof typeof TIDY_SCHEMA;
export const TIDY_COLUMNS = Object.keys(TIDY_SCHEMA) as TidyColumn[];
/** Every per-epoch column of the results CSVs but the epoch itself; an epoch lacks those it did not compute (not evaluated). */
export const TIDY_METRICS = CSV_COLUMNS.filter((c): c is Exclude<CsvColumn, 'epoch'> => c !== 'epoch');

export interface TidyRow {
  run: string;
  loss: string;
  seed: number;
  dataset: string;
  data: string;
  arch: string;
  epoch: number;
  metric: string;
  value: number;
}

/** A run whose committed rows cannot be read (left out of the table, never silently). */
export interface TidyDamage {
  run: string;
  why: string;
}

/** The study in `dir` as tidy rows, runs in study order; runs without a committed epoch contribute none, runs whose CSV is damaged are listed in `damaged`. */
export async function tidyMetrics(dir: string): Promise<{ rows: TidyRow[]; damaged: TidyDamage[] }> {
  const { study, runs } = await readStudyRuns(dir);
  const rows: TidyRow[] = [];
  const damaged: TidyDamage[] = [];
  for (const r of runs) {
    const got = await readRunRows(await resolveInside(dir, r.csv), study.config, r);
    if ('problem' in got) {
      damaged.push({ run: r.id, why: `${r.csv}: ${got.problem}` });
      continue;
    }
    for (const csvRow of got.rows) {
      for (const metric of TIDY_METRICS) {
        const value = csvRow[metric];
        if (value === null) continue;
        rows.push({ run: r.id, loss: r.loss, seed: r.seed, dataset: runDataset(r), data: r.data, arch: r.arch, epoch: csvRow.epoch!, metric, value });
      }
    }
  }
  return { rows, damaged };
}

export type TidyFormat = 'csv' | 'jsonl';
export const TIDY_FORMATS: TidyFormat[] = ['csv', 'jsonl'];

export function formatTidy(rows: TidyRow[], format: TidyFormat): string {
  if (format === 'jsonl') {
    return rows.map((r) => JSON.stringify({ ...r, value: Number.isFinite(r.value) ? r.value : null }) + '\n').join('');
  }
  // Labels that start like a formula (=, +, -, @, tab, CR) get a leading ' (OWASP's advice for CSV
  // injection); numbers are written as numbers, so a negative value keeps its sign.
  return stringify(rows.map((r) => TIDY_COLUMNS.map((c) => r[c])), { header: true, columns: TIDY_COLUMNS, escape_formulas: true, cast: { number: formatNumber } });
}
