/** <Label>_results.csv as written: columns, a row from an epoch's stats, the text (Node-free: the browser's Train page writes it too). */
// The browser build: the same stringifier with its own Buffer (lib/ uses Node's global Buffer).
import { stringify } from 'csv-stringify/browser/esm/sync';
import type { EpochStats } from '../engine/types.ts';
import { ece, macroF1 } from '../metrics/index.ts';

export const CSV_COLUMNS = ['epoch', 'train_loss', 'train_acc', 'test_loss', 'test_acc', 'f1', 'test_nll', 'ece', 'lr', 'seconds'] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
/** A row; null for a value the epoch does not have (not evaluated). */
export type CsvRow = Record<CsvColumn, number | null>;

/** An epoch whose training or test loss is not finite: its row is the run's last, and the run is `diverged`. */
export function isDiverged(s: EpochStats): boolean {
  const e = s.eval;
  return !Number.isFinite(s.trainLoss) || (!!e && (!Number.isFinite(e.testLoss) || !Number.isFinite(e.testNll)));
}

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

export function formatCsv(rows: CsvRow[]): string {
  return stringify(rows.map((r) => CSV_COLUMNS.map((c) => formatNumber(r[c]))), { header: true, columns: [...CSV_COLUMNS] });
}
