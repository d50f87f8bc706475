/** Axis ticks and tick labels shared by the charts. */

/** About ten epoch ticks from 1, always including the last epoch. */
export function epochTicks(lastEpoch: number, target = 10): number[] {
  const step = Math.max(1, Math.ceil(lastEpoch / target));
  const ticks: number[] = [];
  for (let e = 1; e <= lastEpoch; e += step) ticks.push(e);
  if (ticks.at(-1) !== lastEpoch) {
    // The last tick would crowd the one before it: drop that one instead.
    if (lastEpoch - ticks.at(-1)! < step / 2 && ticks.length > 1) ticks.pop();
    ticks.push(lastEpoch);
  }
  return ticks;
}

/** A plain number for a tick: 0.3 (never "300m"), 2, 1.5e-4. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e6) return String(Number(v.toPrecision(3)));
  return v.toExponential(1).replace('e+', 'e');
}
