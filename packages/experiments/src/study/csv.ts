/** <Label>_results.csv: header, then one row per evaluated epoch (and the diverged epoch, if any). */
import { stringify } from 'csv-stringify/sync';
import { parse } from 'csv-parse/sync';
import type { EpochStats } from '../engine/types.ts';
import { ece, macroF1 } from '../metrics/index.ts';
import { decimal } from '../util/decimal.ts';

export const CSV_COLUMNS = ['epoch', 'train_loss', 'train_acc', 'test_loss', 'test_acc', 'f1', 'test_nll', 'ece', 'lr', 'seconds'] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
/** A row; null for a value the epoch does not have (not evaluated). */
export type CsvRow = Record<CsvColumn, number | null>;

export function rowFromStats(s: EpochStats): CsvRow {
  const e = s.eval;
  return {
    epoch: s.epoch,
    train_loss: s.trainLoss,
    train_acc: s.trainAcc,
    test_loss: e ? e.testLoss : null,
    test_acc: e ? e.testAcc : null,
    f1: e ? macroF1(e.confusion) : null,
    test_nll: e ? e.testNll : null,
    ece: e ? ece(e.calibration) : null,
    lr: s.lr,
    seconds: s.trainSeconds + (e ? e.seconds : 0),
  };
}

export function formatNumber(x: number | null): string {
  if (x === null) return '';
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return String(x);
}

/** A cell as formatNumber writes it; anything else (text, a cut-off number) is an error, never a silent NaN. */
function parseNumber(s: string, column: string, line: number): number | null {
  const t = s.trim().toLowerCase();
  if (t === '') return null;
  if (t === 'nan') return NaN;
  if (t === 'inf' || t === '+inf') return Infinity;
  if (t === '-inf') return -Infinity;
  const x = decimal(t);
  if (Number.isNaN(x)) throw new Error(`line ${line}: ${column} is not a number (${JSON.stringify(s.slice(0, 20))})`);
  return x;
}

export function formatCsv(rows: CsvRow[]): string {
  return stringify(rows.map((r) => CSV_COLUMNS.map((c) => formatNumber(r[c]))), { header: true, columns: [...CSV_COLUMNS] });
}

/** Rows of a results CSV; throws (one line) for anything that is not one: no epoch column, text in a number's place, a row without its epoch. */
export function parseCsv(text: string): CsvRow[] {
  let header: string[] = [];
  const records = parse(text, { columns: (h: string[]) => (header = h), skip_empty_lines: true }) as Record<string, string>[];
  if (!header.includes('epoch')) throw new Error('no epoch column');
  return records.map((rec, i) => {
    const row = Object.fromEntries(CSV_COLUMNS.map((c) => [c, parseNumber(rec[c] ?? '', c, i + 2)])) as CsvRow;
    if (row.epoch === null || !Number.isSafeInteger(row.epoch) || row.epoch < 1) throw new Error(`line ${i + 2}: epoch is not a positive integer`);
    return row;
  });
}

/** The values of the last row (a run's final epoch), without the columns it leaves empty; null for no rows. */
export function lastRowValues(rows: CsvRow[]): Partial<Record<CsvColumn, number>> | null {
  const last = rows[rows.length - 1];
  return last ? Object.fromEntries(Object.entries(last).filter(([, v]) => v !== null)) as Partial<Record<CsvColumn, number>> : null;
}
