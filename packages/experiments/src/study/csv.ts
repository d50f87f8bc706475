/** <Label>_results.csv: header, then one row per evaluated epoch (and the diverged epoch, if any); read here, written by csv-format.ts. */
import { parse } from 'csv-parse/sync';
import { CSV_COLUMNS, type CsvColumn, type CsvRow } from './csv-format.ts';
import { decimal } from '../util/decimal.ts';

export { CSV_COLUMNS, formatCsv, formatNumber, isDiverged, rowFromStats, type CsvColumn, type CsvRow } from './csv-format.ts';

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
