/**
 * Every table case the kernels are checked against: the JSON tables in ./cases, the PyTorch
 * cases of ./fixtures/ops.json (loaded on demand, 2 MB) (and, optionally, ../shared/golden/ops.json), and randomised cases
 * whose expected values come from the float64 references. Each op adds a module to ./random.
 */
import type { OpCase } from './tables.ts';
import { pytorchCases, type PytorchOps } from './tables.ts';
import { loadGolden } from './golden.ts';

interface CaseTable {
  op: string;
  cases: Omit<OpCase, 'op'>[];
}

const tables = import.meta.glob<CaseTable>('./cases/*.json', { eager: true, import: 'default' });

export function tableCases(): OpCase[] {
  return Object.values(tables).flatMap((t) => t.cases.map((c) => ({ ...c, op: t.op, source: 'table' })));
}

/** The in-repo PyTorch cases (test/fixtures/ops.json, made by packages/nn/scripts/make_fixtures.py). */
export async function fixtureCases(): Promise<OpCase[]> {
  const ops = (await import('./fixtures/ops.json')).default as PytorchOps;
  return pytorchCases(ops, 'pytorch');
}

/** The golden cases, or null when there is no golden folder. */
export async function loadGoldenCases(): Promise<OpCase[] | null> {
  const ops = await loadGolden<PytorchOps>('ops.json');
  return ops && pytorchCases(ops, 'golden');
}

/** Randomised cases, one module per op in ./random, each exporting cases(); expected values come from float64 references. */
const generators = import.meta.glob<() => OpCase[]>('./random/*.ts', { eager: true, import: 'cases' });

export function randomCases(): OpCase[] {
  return Object.values(generators).flatMap((g) => g());
}
