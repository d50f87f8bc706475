/** Parsing <Label>_results.csv (papaparse), tolerant of a file cut mid-line. */
import Papa from 'papaparse';
import { METRICS, type EpochRow, type Metric } from '../format/types.ts';
import { fail, ok, type Parsed } from './result.ts';

const REQUIRED = ['epoch', 'train_loss', 'train_acc', 'test_loss', 'test_acc', 'f1'];

function toNumber(s: string | undefined): number {
  if (s === undefined) return NaN;
  const t = s.trim().toLowerCase();
  if (t === 'inf' || t === '+inf') return Infinity;
  if (t === '-inf') return -Infinity;
  return t === '' ? NaN : Number(t); // 'nan' becomes NaN; an empty value (epoch not evaluated) too
}

/**
 * Rows of a results CSV. Rows with the wrong number of fields or a bad epoch are skipped with
 * a warning that names the line (a file cut mid-line loses its last row and says so).
 */
export function parseResultsCsv(text: string, file = 'results CSV'): Parsed<EpochRow[]> {
  if (text.trim() === '') return fail(`${file} is empty (no header yet).`);
  const res = Papa.parse<string[]>(text.replace(/\r\n/g, '\n'), { skipEmptyLines: true });
  const [header, ...body] = res.data;
  const cols = header.map((h) => h.trim());
  const missing = REQUIRED.filter((c) => !cols.includes(c));
  if (missing.length) return fail(`${file}: the header lacks ${missing.join(', ')} (got "${cols.join(',')}").`);
  const warnings: string[] = [];
  const rows: EpochRow[] = [];
  const endsCleanly = text.endsWith('\n');
  body.forEach((fields, i) => {
    const line = i + 2;
    const last = i === body.length - 1;
    if (fields.length !== cols.length) {
      warnings.push(last && !endsCleanly
        ? `${file}: line ${line} is cut short (${fields.length} of ${cols.length} fields): the file ends mid-line; that epoch is left out.`
        : `${file}: line ${line} has ${fields.length} fields, the header has ${cols.length}; line left out.`);
      return;
    }
    const get = (c: string) => toNumber(fields[cols.indexOf(c)]);
    const epoch = get('epoch');
    if (!Number.isInteger(epoch) || epoch < 1) {
      warnings.push(`${file}: line ${line} has no valid epoch ("${fields[cols.indexOf('epoch')]}"); line left out.`);
      return;
    }
    const row = { epoch } as EpochRow;
    for (const m of METRICS) row[m as Metric] = cols.includes(m) ? get(m) : NaN;
    rows.push(row);
  });
  rows.sort((a, b) => a.epoch - b.epoch);
  return ok(rows, warnings);
}

/** A table as CSV text (papaparse's unparse), for the "export CSV" buttons. */
export function toCsv(header: string[], rows: (string | number)[][]): string {
  return Papa.unparse({ fields: header, data: rows.map((r) => r.map((v) => (typeof v === 'number' && Number.isNaN(v) ? 'nan' : v))) });
}
