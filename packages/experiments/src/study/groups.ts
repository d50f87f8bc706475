/**
 * Lockstep groups: the selected cells that can train as one program (same data set and, through
 * the engine, the same architecture, batch size and training-set size — so the same steps per
 * epoch), in chunks no larger than the setting allows. `--lockstep auto` (the default) takes as many
 * as the engine says fit the device; N at most N; off trains every cell alone.
 */
import { UsageError } from '../util/errors.ts';
import type { Cell } from './grid.ts';

export type LockstepSetting = 'auto' | 'off' | number;

export function parseLockstep(v: string | undefined): LockstepSetting {
  if (v === undefined || v === 'auto') return 'auto';
  if (v === 'off') return 'off';
  if (/^\d+$/.test(v.trim()) && Number(v) >= 1) return Number(v) === 1 ? 'off' : Number(v);
  throw new UsageError(`--lockstep must be auto, off or a number of runs ≥ 1, got '${v}'`);
}

export interface GroupingEngine {
  /** Cells with equal keys can share a group; null: this cell always trains alone. */
  key(cell: Cell): string | null;
  /** The most runs like `cell` one group may hold on the device. */
  max(cell: Cell): number;
}

/** The cells in groups, in order of each group's first cell. */
export function planGroups(cells: Cell[], setting: LockstepSetting, engine: GroupingEngine): Cell[][] {
  if (setting === 'off') return cells.map((c) => [c]);
  const buckets = new Map<string, Cell[]>();
  const groups: Cell[][] = [];
  for (const c of cells) {
    const key = engine.key(c);
    if (key === null) {
      groups.push([c]);
      continue;
    }
    const k = `${c.dataset}\u0000${key}`;
    const b = buckets.get(k);
    if (b) b.push(c);
    else buckets.set(k, [c]);
  }
  for (const b of buckets.values()) {
    const size = Math.max(1, setting === 'auto' ? engine.max(b[0]) : Math.min(setting, engine.max(b[0])));
    for (let i = 0; i < b.length; i += size) groups.push(b.slice(i, i + size));
  }
  return groups.sort((a, b) => a[0].index - b[0].index);
}

/** One line per group of more than one run, for the study's start. */
export function describeGroups(groups: Cell[][]): string {
  const multi = groups.filter((g) => g.length > 1);
  if (!multi.length) return 'every run alone (no two runs can train in lockstep here)';
  const alone = groups.length - multi.length;
  return `${groups.length} group${groups.length === 1 ? '' : 's'}: ${multi.map((g) => `[${g.map((c) => c.index).join(' ')}]`).join(' ')}${alone ? ` and ${alone} run${alone === 1 ? '' : 's'} alone` : ''}`;
}
