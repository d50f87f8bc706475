/**
 * The derived gradient of a loss against float64 central differences of its float64 value, at
 * random and extreme logits, for several class counts (`losslab gradcheck`, and a test over every
 * built-in and zoo loss). Where the loss has a kink (|x|, max) at a point the one-sided
 * differences disagree with each other; such coordinates are skipped and counted.
 */
import { RowEvaluator } from './eval64.ts';
import type { LossSpec } from './index.ts';

export interface GradcheckRow {
  /** What the row probes, e.g. 'random ±3', 'p[y] → 1'. */
  input: string;
  z: number[];
  y: number;
}

export interface GradcheckResult {
  name: string;
  /** Largest |derived − central| / max(|central|, 1e-3·max|central| of the row), over the coordinates central differences resolve. */
  worst: number;
  /** Where the worst error is: input, C, class. */
  worstAt: string;
  checked: number;
  /** Coordinates at a kink (left and right differences disagree), not compared. */
  kinks: number;
  /** Coordinates whose gradient is below what central differences resolve (~1e4·ε·|f|/h): checked only to that floor. */
  unresolved: number;
  /** Coordinates past tolerance·scale + the floor, and the first of them. */
  failures: number;
  firstFailure: string | null;
  /** NaN or Inf in a value or gradient. */
  nonFinite: string | null;
  pass: boolean;
}

export const GRADCHECK_TOLERANCE = 1e-4;
const H = 1e-5;

/** Deterministic rows: random ±3, p[y] → 1 and → 0 (margins ±25), |z| up to 1e4. */
export function gradcheckRows(c: number, seed = 1): GradcheckRow[] {
  let s = (seed * 2654435761) >>> 0;
  const next = () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    s ^= s >>> 12;
    return (s >>> 0) / 4294967296;
  };
  const rows: GradcheckRow[] = [];
  const make = (input: string, scale: number, margin: number, count: number) => {
    for (let r = 0; r < count; r++) {
      const y = Math.floor(next() * c);
      const z = Array.from({ length: c }, () => (2 * next() - 1) * scale);
      z[y] += margin;
      rows.push({ input, z, y });
    }
  };
  make('random ±3', 3, 0, 3);
  make('p[y] → 1', 1, 25, 2);
  make('p[y] → 0', 1, -25, 2);
  make('|z| up to 1e4', 1e4, 0, 2);
  return rows;
}

export function gradcheck(spec: LossSpec, classes: number[] = [10, 100], tolerance = GRADCHECK_TOLERANCE): GradcheckResult {
  const { value, grad } = spec.compiled;
  let worst = 0;
  let worstAt = '';
  let checked = 0;
  let kinks = 0;
  let nonFinite: string | null = null;
  let failures = 0;
  let unresolved = 0;
  let firstFailure: string | null = null;
  for (const c of classes) {
    for (const row of gradcheckRows(c)) {
      const f = (z: number[]) => new RowEvaluator(z, row.y).scalar(value);
      const ev = new RowEvaluator(row.z, row.y);
      const v = ev.scalar(value);
      const g = ev.vector(grad);
      const bad = !Number.isFinite(v) ? 'value' : g.some((x) => !Number.isFinite(x)) ? 'gradient' : null;
      if (bad) {
        nonFinite ??= `${bad} not finite at ${row.input}, C = ${c}`;
        continue;
      }
      const fd = new Float64Array(c);
      const skip = new Uint8Array(c);
      for (let j = 0; j < c; j++) {
        const h = H;
        const zp = [...row.z]; zp[j] += h;
        const zm = [...row.z]; zm[j] -= h;
        const fp = f(zp), fm = f(zm);
        fd[j] = (fp - fm) / (2 * h);
        const right = (fp - v) / h, left = (v - fm) / h;
        if (Math.abs(right - left) > 1e-3 * Math.max(Math.abs(right), Math.abs(left), 1e-6)) skip[j] = 1;
      }
      const rowScale = Math.max(...Array.from(fd, Math.abs));
      // Central differences carry the rounding of f itself, ~ε·|f| / h: not counted as error.
      const noise = 16 * Number.EPSILON * Math.max(Math.abs(v), 1) / H;
      for (let j = 0; j < c; j++) {
        if (skip[j]) { kinks++; continue; }
        checked++;
        const scale = Math.max(Math.abs(fd[j]), 1e-3 * rowScale);
        const diff = Math.abs(g[j] - fd[j]);
        const at = `${row.input}, C = ${c}, class ${j}${j === row.y ? ' (target)' : ''}`;
        if (!(diff <= tolerance * scale + noise)) {
          failures++;
          firstFailure ??= `${at}: derived ${g[j]}, central difference ${fd[j]}`;
        }
        if (scale < 1e4 * noise) { unresolved++; continue; }
        const rel = diff / scale;
        if (!(rel <= worst)) {
          worst = Number.isNaN(rel) ? Infinity : rel;
          worstAt = at;
        }
      }
    }
  }
  return { name: spec.name, worst, worstAt, checked, kinks, unresolved, failures, firstFailure, nonFinite, pass: nonFinite === null && failures === 0 };
}
