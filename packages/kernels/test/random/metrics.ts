import type { OpCase } from '../tables.ts';
import { rng, uniform, ints, f64 } from '../random.ts';
import { metricsRef, topSoftmax, METRICS_CONF_SCALE } from '../../src/reference/metrics.ts';

/**
 * Rows whose float32 result could legitimately differ from float64 are redrawn: a near-tie
 * between the two largest logits, a confidence within 1e-4 of a bin edge, or a fixed-point
 * value within 0.15 units of a rounding midpoint (device exp is only accurate to a few ulp).
 * Exact ties are then injected on purpose: equal float32 values must pick the first index.
 */
function logitsFor(next: () => number, n: number, c: number, bins: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    for (;;) {
      const scale = 0.5 + 6 * next();
      const row = uniform(next, c, -scale, scale);
      if (c > 1 && next() < 0.1) {
        // exact tie for the maximum
        const top = row.indexOf(Math.max(...row));
        const other = (top + 1 + Math.floor(next() * (c - 1))) % c;
        row[other] = row[top];
      }
      const sorted = [...row].sort((a, b) => b - a);
      const { conf } = topSoftmax(row);
      const gap = c > 1 ? sorted[0] - sorted[1] : 1;
      const tied = gap === 0;
      const edge = Math.abs(conf * bins - Math.round(conf * bins));
      const q = conf * METRICS_CONF_SCALE;
      const mid = Math.abs(q - Math.floor(q) - 0.5);
      if ((tied || gap > 1e-3) && edge > 1e-4 && mid > 0.15) {
        out.push(...row);
        break;
      }
    }
  }
  return out;
}

export function cases(): OpCase[] {
  const configs = [
    { n: 1, c: 10, bins: 15, chunks: 1 },
    { n: 257, c: 10, bins: 15, chunks: 1 },
    { n: 1000, c: 10, bins: 15, chunks: 3 },
    { n: 300, c: 3, bins: 5, chunks: 2 },
    { n: 500, c: 37, bins: 10, chunks: 1 },
    { n: 10000, c: 10, bins: 15, chunks: 4 },
    { n: 600, c: 100, bins: 15, chunks: 2 }, // CIFAR-100
    { n: 300, c: 1000, bins: 15, chunks: 1 }, // an ImageNet-sized class count
  ];
  return configs.map((k, idx) => {
    const next = rng(900 + idx);
    const logits = logitsFor(next, k.n, k.c, k.bins);
    // Mostly-correct targets so both the diagonal and the "correct" counts are exercised.
    const target = ints(next, k.n, k.c).map((t, i) => (next() < 0.6 ? topSoftmax(logits.slice(i * k.c, (i + 1) * k.c)).pred : t));
    const r = metricsRef(logits, target, k.c, k.bins);
    return {
      name: `random metrics n=${k.n} c=${k.c} bins=${k.bins} chunks=${k.chunks}`,
      op: 'metrics',
      source: 'reference',
      params: { c: k.c, bins: k.bins, chunks: k.chunks },
      inputs: { logits: f64([k.n, k.c], logits), target: f64([k.n], target) },
      expected: {
        confusion: f64([k.c, k.c], r.confusion),
        calib_count: f64([k.bins], r.count),
        calib_correct: f64([k.bins], r.correct),
        calib_conf: f64([k.bins], r.confFixed),
      },
    };
  });
}
