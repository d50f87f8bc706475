/**
 * Which cells this process runs: --cell K, else --shard I/N (1-based I: cells with index ≡ I−1 mod N),
 * else the scheduler's index (SLURM_ARRAY_TASK_ID, then JOB_COMPLETION_INDEX) as a cell index, else all.
 */
import { UsageError } from '../util/errors.ts';
import type { Cell } from './grid.ts';

export interface Selection {
  cell?: string;
  shard?: string;
  env?: NodeJS.ProcessEnv;
}

export const INDEX_VARIABLES = ['SLURM_ARRAY_TASK_ID', 'JOB_COMPLETION_INDEX'];

function index(v: string, what: string, n: number): number {
  if (!/^\d+$/.test(v.trim())) throw new UsageError(`${what} must be a cell index (0–${n - 1}), got '${v}'`);
  const k = Number(v);
  if (k >= n) throw new UsageError(`${what} is ${k}, but the study has ${n} cell${n === 1 ? '' : 's'} (0–${n - 1})`);
  return k;
}

export function selectCells(cells: Cell[], s: Selection): { cells: Cell[]; how: string } {
  const n = cells.length;
  if (s.cell !== undefined && s.shard !== undefined) throw new UsageError('give --cell or --shard, not both');
  if (s.cell !== undefined) {
    const k = index(s.cell, '--cell', n);
    return { cells: [cells[k]], how: `cell ${k} of ${n}` };
  }
  if (s.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(s.shard.trim());
    const [i, of] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
    if (!m || of < 1 || i < 1 || i > of) throw new UsageError(`--shard must be I/N with 1 ≤ I ≤ N (e.g. 2/8), got '${s.shard}'`);
    return { cells: cells.filter((c) => c.index % of === i - 1), how: `shard ${i}/${of}` };
  }
  const env = s.env ?? process.env;
  for (const name of INDEX_VARIABLES) {
    const v = env[name];
    if (v !== undefined && v !== '') {
      const k = index(v, name, n);
      return { cells: [cells[k]], how: `cell ${k} of ${n} (from ${name})` };
    }
  }
  return { cells, how: `all ${n} cells` };
}
