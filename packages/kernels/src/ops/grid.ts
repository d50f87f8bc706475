import { ceilDiv } from '../core.ts';

const MAX_PER_DIM = 65535;

/** A 2-D grid of 1-D workgroups covering n items: index = gid.x + gid.y * row. */
export function grid1d(n: number, workgroupSize = 256): { workgroups: [number, number]; row: number } {
  const groups = Math.max(1, ceilDiv(n, workgroupSize));
  const x = Math.min(groups, MAX_PER_DIM);
  const y = ceilDiv(groups, x);
  return { workgroups: [x, y], row: x * workgroupSize };
}
