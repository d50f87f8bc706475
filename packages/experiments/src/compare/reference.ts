/**
 * Reference curves from another implementation (PyTorch: ../shared/reference, or what
 * reference/torch_train.py --csv writes): one CSV per loss and seed, named `<label>_seed<S>.csv`
 * with the label in lower case (`ce`, `focal0.5`, `focal2`, `l1`, `l1logits`), one row per epoch.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lastRowValues, parseCsv, type CsvColumn, type CsvRow } from '../study/csv.ts';
import { UsageError } from '../util/errors.ts';

export interface ReferenceRun {
  file: string;
  seed: number;
  /** The last row's epoch and values (the LossLab CSV columns the file has). */
  epoch: number;
  final: Partial<Record<CsvColumn, number>>;
}

const NAME = /^(.+)_seed(\d+)\.csv$/;

/** Reference runs by lower-case loss label, from one or more folders (a loss's seeds may be spread over them). */
export async function readReference(dirs: string | string[]): Promise<Map<string, ReferenceRun[]>> {
  const out = new Map<string, ReferenceRun[]>();
  for (const dir of typeof dirs === 'string' ? [dirs] : dirs) {
    for (const [label, runs] of await readReferenceDir(dir)) {
      const have = out.get(label) ?? [];
      const twice = runs.find((r) => have.some((h) => h.seed === r.seed));
      if (twice) throw new UsageError(`reference seed ${twice.seed} of ${label} is in two folders (${have.find((h) => h.seed === twice.seed)!.file} and ${twice.file})`);
      out.set(label, [...have, ...runs].sort((a, b) => a.seed - b.seed));
    }
  }
  return out;
}

async function readReferenceDir(dir: string): Promise<Map<string, ReferenceRun[]>> {
  const files = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`reference folder ${dir}: ${e.code === 'ENOENT' ? 'not found' : e.message}`);
  });
  const out = new Map<string, ReferenceRun[]>();
  for (const f of files.sort()) {
    const m = NAME.exec(f);
    if (!m) continue;
    let rows: CsvRow[];
    try {
      rows = parseCsv(await readFile(join(dir, f), 'utf8'));
    } catch (e) {
      throw new UsageError(`${join(dir, f)}: not a readable CSV (${(e as Error).message.split('\n')[0]})`);
    }
    const final = lastRowValues(rows);
    if (final?.epoch === undefined) throw new UsageError(`${join(dir, f)}: expected a CSV with an epoch column and one row per epoch, found ${rows.length} rows`);
    const label = m[1].toLowerCase();
    out.set(label, [...(out.get(label) ?? []), { file: join(dir, f), seed: Number(m[2]), epoch: final.epoch, final }]);
  }
  if (!out.size) throw new UsageError(`reference folder ${dir}: no <loss>_seed<S>.csv files`);
  return out;
}
