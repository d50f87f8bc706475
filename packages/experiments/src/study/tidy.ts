/**
 * A study as one tidy long table for tracking tools (pandas, Weights & Biases, MLflow): one row per
 * run × epoch × metric. The columns and their types are defined here once; the README documents them.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { CSV_COLUMNS, formatNumber, parseCsv, type CsvColumn } from './csv.ts';
import { readStudy } from './study-file.ts';
import { runDataset } from './summary.ts';
import { UsageError } from '../util/errors.ts';

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

/** The study in `dir` as tidy rows, runs in study order; runs without a results CSV yet contribute none. */
export async function tidyMetrics(dir: string): Promise<TidyRow[]> {
  const study = await readStudy(dir);
  if (!study) throw new UsageError(`${dir} holds no study.json (not a study folder)`);
  const rows: TidyRow[] = [];
  for (const r of study.runs) {
    const text = await readFile(join(dir, r.csv), 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    if (text === null) continue;
    for (const csvRow of parseCsv(text)) {
      for (const metric of TIDY_METRICS) {
        const value = csvRow[metric];
        if (value === null || csvRow.epoch === null) continue;
        rows.push({ run: r.id, loss: r.loss, seed: r.seed, dataset: runDataset(r), data: r.data, arch: r.arch, epoch: csvRow.epoch, metric, value });
      }
    }
  }
  return rows;
}

export type TidyFormat = 'csv' | 'jsonl';
export const TIDY_FORMATS: TidyFormat[] = ['csv', 'jsonl'];

export function formatTidy(rows: TidyRow[], format: TidyFormat): string {
  if (format === 'jsonl') {
    return rows.map((r) => JSON.stringify({ ...r, value: Number.isFinite(r.value) ? r.value : null }) + '\n').join('');
  }
  return stringify(rows.map((r) => TIDY_COLUMNS.map((c) => (c === 'value' ? formatNumber(r.value) : r[c]))), { header: true, columns: TIDY_COLUMNS });
}
