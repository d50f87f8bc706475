// Lockstep training steps take one loss per run (or one for every run).
import { describe, expect, it } from 'vitest';
import { lossesPerRun, parseLoss } from '../src/index.ts';

describe('losses per run', () => {
  it('one loss serves every run; a list gives each run its own', () => {
    expect(lossesPerRun('ce', 3).map((l) => l.name)).toEqual(['ce', 'ce', 'ce']);
    const runs = lossesPerRun(['ce', parseLoss('focal:2'), 'mypoly=ce + 2*(1-p[y])'], 3);
    expect(runs.map((l) => l.label)).toEqual([parseLoss('ce').label, parseLoss('focal:2').label, 'mypoly']);
    expect(runs[2].user).toBe(true);
  });
  it('a list of the wrong length is a one-line error', () => {
    expect(() => lossesPerRun(['ce', 'mae'], 3)).toThrow('2 losses for 3 runs: give one loss per run, or one for all');
  });
});
