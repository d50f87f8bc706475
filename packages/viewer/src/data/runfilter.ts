/**
 * The runs table's filter and hide (as W&B's runs table): a filter keeps runs whose column values
 * are among those picked, hiding drops single runs; every page then shows only the runs kept.
 */
import type { LoadedRun } from './model.ts';
import { settingsOf } from './settings.ts';

export interface RunSelection {
  /** Column → the values kept (a column not listed keeps every value). */
  filters: Record<string, string[]>;
  /** runKey of each hidden run. */
  hidden: string[];
}

export const emptySelection = (): RunSelection => ({ filters: {}, hidden: [] });

/** A run's key across folders: its folder and id. */
export const runKey = (r: LoadedRun): string => `${r.study ?? ''}/${r.run.id}`;

/** The columns runs can be filtered by: loss, seed and every setting (data, arch, dataset, lr…) that takes more than one value. */
export function filterColumns(runs: readonly LoadedRun[]): { key: string; values: string[] }[] {
  const cols = new Map<string, Set<string>>([['loss', new Set()], ['seed', new Set()]]);
  for (const r of runs) {
    cols.get('loss')!.add(r.run.label);
    cols.get('seed')!.add(String(r.run.seed));
    for (const [k, v] of Object.entries(settingsOf(r))) (cols.get(k) ?? cols.set(k, new Set()).get(k)!).add(v);
  }
  const always = new Set(['loss', 'seed', 'data', 'arch', 'dataset']);
  return [...cols].filter(([k, vs]) => always.has(k) || vs.size > 1).map(([key, vs]) => ({ key, values: [...vs].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })) }));
}

export function columnValue(r: LoadedRun, key: string): string {
  return key === 'loss' ? r.run.label : key === 'seed' ? String(r.run.seed) : settingsOf(r)[key] ?? '(unset)';
}

export const passesFilters = (r: LoadedRun, sel: RunSelection): boolean =>
  Object.entries(sel.filters).every(([k, keep]) => keep.includes(columnValue(r, k)));

export const isShown = (r: LoadedRun, sel: RunSelection): boolean => passesFilters(r, sel) && !sel.hidden.includes(runKey(r));

export const selectionActive = (sel: RunSelection): boolean => sel.hidden.length > 0 || Object.keys(sel.filters).length > 0;
