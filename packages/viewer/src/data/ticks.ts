/** Axis ticks and tick labels shared by the charts. */

/**
 * Epoch ticks: 1, multiples of a round step (1, 2, 5, 10, 20, 25, 50…) and the last epoch, at most
 * `target` of them; a tick nearer than 0.6 step to the first or last one is dropped (at 390 px
 * "28" and "30" would run together).
 */
export function epochTicks(lastEpoch: number, target = 10): number[] {
  if (lastEpoch <= 1) return [1];
  const steps = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000];
  const step = steps.find((s) => Math.floor(lastEpoch / s) + 1 <= Math.max(2, target)) ?? Math.ceil(lastEpoch / target);
  const ticks = [1];
  for (let e = step; e < lastEpoch; e += step) if (e - 1 >= 0.6 * step && lastEpoch - e >= 0.6 * step) ticks.push(e);
  ticks.push(lastEpoch);
  return ticks;
}

/** How many epoch ticks fit `pixels` of axis (a label every ~44 px). */
export const epochTickTarget = (pixels: number): number => Math.max(2, Math.floor(pixels / 44));

/**
 * Log-axis ticks labelled across the whole range [lo, hi]: 1-2-5 per decade, or 1…9 where the
 * range spans less than a decade and 1-2-5 would leave fewer than three; always one at or beyond
 * each end (the domain is widened to them by the caller).
 */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0 && hi > 0)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  const make = (mantissas: number[]) => {
    const out: number[] = [];
    for (let d = Math.floor(Math.log10(lo)) - 1; d <= Math.ceil(Math.log10(hi)); d++) {
      for (const m of mantissas) out.push(Number((m * 10 ** d).toPrecision(6)));
    }
    // Inside the range, plus the nearest tick outside each end so the ends are labelled too.
    const below = out.filter((v) => v <= lo).at(-1);
    const above = out.find((v) => v >= hi);
    return out.filter((v) => v > lo && v < hi).concat(below ?? [], above ?? []).sort((a, b) => a - b);
  };
  const coarse = make([1, 2, 5]);
  if (coarse.length >= 4 || hi / lo > 10) return coarse;
  const fine = make([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  if (fine.length >= 4) return fine;
  // A range inside one step of 1…9 (2.22–2.31): round linear steps, so the data fill the axis.
  const raw = (hi - lo) / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw)!;
  const out: number[] = [];
  for (let v = Math.floor(lo / step) * step; v < hi + step; v += step) out.push(Number(v.toPrecision(6)));
  return out.filter((v) => v > 0);
}

/** A plain number for a tick: 0.3 (never "300m"), 2, 1.5e-4. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e6) return String(Number(v.toPrecision(4)));
  return v.toExponential(1).replace('e+', 'e');
}
