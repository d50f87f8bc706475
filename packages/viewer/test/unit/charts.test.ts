import { describe, expect, it } from 'vitest';
import { dodge } from '../../src/data/dodge.ts';
import { epochTickTarget, epochTicks, logTicks, tickLabel } from '../../src/data/ticks.ts';
import { colorOf, contrast, PALETTE } from '../../src/ui/charts/palette.ts';
import { tooltipLines } from '../../src/ui/charts/hover.ts';
import { curveRows } from '../../src/ui/charts/curves.ts';
import type { BandPoint } from '../../src/data/bands.ts';

describe('line-end labels', () => {
  it('spread apart by the gap, moved as little as possible, order kept', () => {
    const y = dodge([100, 101, 100.5, 300], 13);
    const sorted = [y[0], y[2], y[1]];
    expect(sorted[1] - sorted[0]).toBeCloseTo(13, 9);
    expect(sorted[2] - sorted[1]).toBeCloseTo(13, 9);
    expect((y[0] + y[1] + y[2]) / 3).toBeCloseTo(100.5, 9); // centred on the cluster
    expect(y[3]).toBe(300);
    expect(dodge([50, 200], 13)).toEqual([50, 200]); // far apart: untouched
  });

  it('stays within the plot', () => {
    const y = dodge([5, 6, 7], 10, 0, 100);
    expect(Math.min(...y)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...y)).toBeLessThanOrEqual(100);
    const low = dodge([99, 99.5], 10, 0, 100);
    expect(Math.max(...low)).toBeLessThanOrEqual(100);
    expect(Math.abs(low[0] - low[1])).toBeCloseTo(10, 9);
  });
});

describe('axis ticks', () => {
  it('always include the last epoch without crowding it, at most as many as fit', () => {
    expect(epochTicks(30)).toEqual([1, 5, 10, 15, 20, 25, 30]);
    expect(epochTicks(30, 4)).toEqual([1, 10, 20, 30]); // a phone: 28 and 30 never side by side
    expect(epochTicks(42)).toEqual([1, 5, 10, 15, 20, 25, 30, 35, 42]); // 40 would crowd 42
    expect(epochTicks(3)).toEqual([1, 2, 3]);
    expect(epochTicks(1)).toEqual([1]);
    for (let n = 1; n <= 200; n++) {
      for (const target of [3, 5, 10]) {
        const t = epochTicks(n, target);
        expect(t.at(-1), String(n)).toBe(n);
        expect(t.length, `${n}/${target}`).toBeLessThanOrEqual(Math.max(2, target) + 1);
        if (n === 1) continue;
        const gaps = t.slice(1).map((e, i) => e - t[i]);
        expect(Math.min(...gaps) / Math.max(...gaps), `${n}/${target}: ${t}`).toBeGreaterThanOrEqual(0.4); // no two ticks crowd each other
      }
    }
    expect(epochTickTarget(230)).toBe(5);
  });

  it('label a log axis across the whole range, both ends included', () => {
    expect(logTicks(0.15, 2.4)).toEqual([0.1, 0.2, 0.5, 1, 2, 5]);
    expect(logTicks(0.25, 0.9)).toEqual([0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(logTicks(1.9, 2.3)).toEqual([1.8, 1.9, 2, 2.1, 2.2, 2.3]); // inside one step of 1…9: round linear steps
    expect(logTicks(2.22, 2.31)).toEqual([2.2, 2.225, 2.25, 2.275, 2.3, 2.325]);
    for (const [lo, hi] of [[0.01, 2.3], [0.2, 2.31], [1e-4, 0.5]]) {
      const t = logTicks(lo, hi);
      expect(t[0]).toBeLessThanOrEqual(lo);
      expect(t.at(-1)).toBeGreaterThanOrEqual(hi);
      expect(t.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('print log-axis values as plain numbers', () => {
    expect(tickLabel(0.3)).toBe('0.3');
    expect(tickLabel(2)).toBe('2');
    expect(tickLabel(0.05)).toBe('0.05');
    expect(tickLabel(1.5e-4)).toBe('1.5e-4');
  });
});

describe('loss colours', () => {
  it('are the same in every study, whatever else it holds', () => {
    expect(colorOf('L1')).toBe(colorOf('L1'));
    expect(new Set(['CE', 'Focal0.5', 'Focal2', 'L1', 'L1logits', 'LS0.1', 'GCE0.7'].map(colorOf)).size).toBe(7);
  });

  it('read as text on white (contrast ≥ 4.5:1)', () => {
    for (const c of PALETTE) expect(contrast(c, '#ffffff'), c).toBeGreaterThanOrEqual(4.5);
    expect(contrast('#efb118', '#ffffff')).toBeLessThan(2.5); // the old yellow: the check can fail
  });
});

describe('hover read-out and chart CSV', () => {
  const p = (label: string, epoch: number, mean: number, n = 2): BandPoint => ({ label, epoch, mean, std: 0.01, lo: mean - 0.01, hi: mean + 0.01, n });
  const band = [p('CE', 1, 0.5), p('CE', 2, 0.6), p('L1', 1, 0.3, 1), p('L1', 2, 0.7, 1)];

  it('lists every series at the epoch, best first', () => {
    const lines = tooltipLines(band, [p('CE', 2, 0.55)], 2, 'max');
    expect(lines.map((l) => l.label)).toEqual(['L1', 'CE']);
    expect(lines[1].text).toBe('0.6000 ± 0.0100 (2 seeds), raw 0.5500');
    expect(lines[0].text).toBe('0.7000 (1 seed)');
  });

  it('writes the plotted numbers', () => {
    const t = curveRows(band);
    expect(t.header).toEqual(['epoch', 'loss', 'mean', 'std', 'n_seeds', 'band_lo', 'band_hi']);
    expect(t.rows[1]).toEqual([2, 'CE', 0.6, 0.01, 2, 0.59, 0.61]);
  });
});
