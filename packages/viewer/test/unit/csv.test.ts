import { describe, expect, it } from 'vitest';
import { parseResultsCsv, toCsv } from '../../src/data/csv.ts';

const HEADER = 'epoch,train_loss,train_acc,test_loss,test_acc,f1,test_nll,ece,lr,seconds';

describe('parseResultsCsv', () => {
  it('reads rows, with nan as NaN', () => {
    const p = parseResultsCsv(`${HEADER}\n1,2.1,0.2,1.9,0.3,0.28,1.9,0.05,0.01,40\n2,nan,0.1,nan,0.1,0.02,nan,0.5,0.01,41\n`);
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.warnings).toEqual([]);
    expect(p.value).toHaveLength(2);
    expect(p.value[0]).toMatchObject({ epoch: 1, train_loss: 2.1, test_acc: 0.3, seconds: 40 });
    expect(p.value[1].train_loss).toBeNaN();
  });

  it('reads inf, -inf and empty (not evaluated) values', () => {
    const p = parseResultsCsv(`${HEADER}\n1,inf,0.2,-inf,,,nan,,0.01,40\n`);
    expect(p.ok && p.value[0].train_loss).toBe(Infinity);
    expect(p.ok && p.value[0].test_loss).toBe(-Infinity);
    expect(p.ok && p.value[0].test_acc).toBeNaN();
  });

  it('drops a row cut mid-line and says so', () => {
    const p = parseResultsCsv(`${HEADER}\n1,2.1,0.2,1.9,0.3,0.28,1.9,0.05,0.01,40\n2,2.0,0.2`, 'CE_results.csv');
    expect(p.ok && p.value.length).toBe(1);
    expect(p.ok && p.warnings[0]).toMatch(/CE_results\.csv: line 3 is cut short.*mid-line/);
  });

  it('fails clearly on an empty file or a wrong header', () => {
    expect(parseResultsCsv('')).toEqual({ ok: false, error: 'results CSV is empty (no header yet).' });
    const p = parseResultsCsv('a,b\n1,2\n', 'x.csv');
    expect(!p.ok && p.error).toMatch(/x\.csv: the header lacks epoch/);
  });

  it('accepts a header alone (no epoch yet)', () => {
    expect(parseResultsCsv(`${HEADER}\n`)).toEqual({ ok: true, value: [], warnings: [] });
  });
});

describe('toCsv', () => {
  it('quotes as needed and writes NaN as nan', () => {
    expect(toCsv(['a', 'b'], [['x,y', NaN], ['z', 1.5]])).toBe('a,b\r\n"x,y",nan\r\nz,1.5');
  });
});
