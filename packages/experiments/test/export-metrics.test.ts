// `losslab export-metrics`: one tidy long table (run, loss, seed, data, arch, epoch, metric, value),
// checked against its schema (TIDY_SCHEMA) and loaded with pandas (Debian's python3-pandas).
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv, readStudy, TIDY_COLUMNS, TIDY_METRICS, TIDY_SCHEMA } from '../src/study/index.ts';
import { runFake, smallConfig } from './helpers/study.ts';
import { useTmp } from './helpers/tmp.ts';
import { captureCli } from './helpers/cli.ts';

const tmp = useTmp();
const PYTHON = process.env.LOSSLAB_PYTHON ?? '/usr/bin/python3';
const hasPandas = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import pandas'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasPandas) console.warn(`export-metrics: pandas check SKIPPED — ${PYTHON} cannot import pandas (apt-get install python3-pandas)`);

const cli = (args: string[]) => captureCli(['export-metrics', ...args]);

/** A study of 3 losses × 2 seeds × 4 epochs, evaluated every other epoch, L1 diverging at epoch 3 (NaN). */
async function study(): Promise<string> {
  const dir = await tmp();
  await runFake(dir, smallConfig({ evalEvery: 2 }), { fake: { divergeAt: { l1: 3 } } });
  return dir;
}

/** What the table must hold, read independently from the runs' own results CSVs. */
async function expected(dir: string) {
  const s = (await readStudy(dir))!;
  const cells: { run: string; epoch: number; metric: string; value: number }[] = [];
  for (const r of s.runs) {
    for (const row of parseCsv(await readFile(join(dir, r.csv), 'utf8'))) {
      for (const m of TIDY_METRICS) if (row[m] !== null) cells.push({ run: r.id, epoch: row.epoch!, metric: m, value: row[m]! });
    }
  }
  return { runs: s.runs, cells };
}

describe('losslab export-metrics', () => {
  it('JSON lines: every line has the schema\'s columns and types, one row per run × epoch × computed metric', async () => {
    const dir = await study();
    const r = await cli([dir, '--format', 'jsonl']);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const want = await expected(dir);
    expect(lines.length).toBe(want.cells.length);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(TIDY_COLUMNS);
      for (const [col, type] of Object.entries(TIDY_SCHEMA)) {
        const v = line[col];
        if (type === 'string') expect(typeof v).toBe('string');
        else if (type === 'integer') expect(Number.isInteger(v)).toBe(true);
        else expect(v === null || typeof v === 'number').toBe(true);
      }
    }
    for (const c of want.cells) {
      const hit = lines.filter((l) => l.run === c.run && l.epoch === c.epoch && l.metric === c.metric);
      expect(hit).toHaveLength(1);
      expect(hit[0].value).toBe(Number.isFinite(c.value) ? c.value : null);
    }
    // Run attributes come from study.json, and not-evaluated epochs have no test metrics.
    const run = want.runs.find((x) => x.loss === 'focal:2' && x.seed === 1)!;
    expect(lines.find((l) => l.run === run.id)).toMatchObject({ loss: 'focal:2', seed: 1, data: 'clean', arch: 'convnet' });
    expect(lines.some((l) => l.run === run.id && l.epoch === 1 && l.metric === 'test_acc')).toBe(false);
    expect(lines.some((l) => l.run === run.id && l.epoch === 2 && l.metric === 'test_acc')).toBe(true);
    expect(lines.some((l) => l.metric === 'train_loss' && l.value === null)).toBe(true); // L1's diverged epoch
  });

  it.skipIf(!hasPandas)('CSV and JSON lines load in pandas with the documented columns and dtypes', async () => {
    const dir = await study();
    const csv = join(await tmp(), 'metrics.csv');
    const jsonl = join(await tmp(), 'metrics.jsonl');
    expect((await cli([dir, '--out', csv])).code).toBe(0);
    expect((await cli([dir, '--format', 'jsonl', '--out', jsonl])).code).toBe(0);
    const py = `
import json, sys, pandas as pd
a = pd.read_csv(sys.argv[1], float_precision="round_trip")
b = pd.read_json(sys.argv[2], lines=True, precise_float=True)
wide = a.pivot_table(index=["run", "epoch"], columns="metric", values="value", aggfunc="first")
print(json.dumps({
  "columns": [list(a.columns), list(b.columns)],
  "dtypes": [{c: str(t) for c, t in a.dtypes.items()}, {c: str(t) for c, t in b.dtypes.items()}],
  "rows": [len(a), len(b)], "nan": [int(a.value.isna().sum()), int(b.value.isna().sum())],
  "same": bool(((a.value - b.value).abs().fillna(0) == 0).all() and (a.value.isna() == b.value.isna()).all()),
  "runs": int(a.run.nunique()), "wide_columns": sorted(wide.columns),
  "acc": {f"{r}/{e}": v for (r, e), v in wide["test_acc"].dropna().items()},
}))`;
    const got = JSON.parse(execFileSync(PYTHON, ['-c', py, csv, jsonl], { encoding: 'utf8' }));
    const want = await expected(dir);
    expect(got.columns).toEqual([TIDY_COLUMNS, TIDY_COLUMNS]);
    for (const d of got.dtypes) expect(d).toMatchObject({ seed: 'int64', epoch: 'int64', value: 'float64', run: 'object', metric: 'object' });
    expect(got.rows).toEqual([want.cells.length, want.cells.length]);
    const nans = want.cells.filter((c) => !Number.isFinite(c.value)).length;
    expect(nans).toBeGreaterThan(0);
    expect(got.nan).toEqual([nans, nans]);
    expect(got.same).toBe(true);
    expect(got.runs).toBe(want.runs.length);
    expect(got.wide_columns).toEqual([...TIDY_METRICS].sort());
    for (const c of want.cells.filter((x) => x.metric === 'test_acc')) expect(got.acc[`${c.run}/${c.epoch}`]).toBeCloseTo(c.value, 12);
  });

  it('bad input is one line and exit 2', async () => {
    const dir = await study();
    const bad = await cli([dir, '--format', 'parquet']);
    expect(bad.code).toBe(2);
    expect(bad.err.trim()).toBe("losslab export-metrics: --format must be one of csv, jsonl, got 'parquet'");
    const none = await cli([await tmp()]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/^losslab export-metrics: .* holds no readable study\.json/);
  });
});
