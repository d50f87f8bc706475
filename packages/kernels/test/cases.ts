/**
 * Every table case the kernels are checked against: the JSON tables in ./cases, the golden
 * PyTorch cases, and randomised cases whose expected values come from the float64 references.
 * Each op adds a module to ./random.
 */
import type { OpCase } from './tables.ts';
import { goldenCases } from './tables.ts';
import { loadGolden } from './golden.ts';

interface CaseTable {
  op: string;
  cases: Omit<OpCase, 'op'>[];
}

const tables = import.meta.glob<CaseTable>('./cases/*.json', { eager: true, import: 'default' });

export function tableCases(): OpCase[] {
  return Object.values(tables).flatMap((t) => t.cases.map((c) => ({ ...c, op: t.op, source: 'table' })));
}

export async function loadGoldenCases(): Promise<OpCase[]> {
  return goldenCases(await loadGolden('ops.json'));
}

/** Randomised cases, one module per op in ./random, each exporting cases(); expected values come from float64 references. */
const generators = import.meta.glob<() => OpCase[]>('./random/*.ts', { eager: true, import: 'cases' });

export function randomCases(): OpCase[] {
  return Object.values(generators).flatMap((g) => g());
}
