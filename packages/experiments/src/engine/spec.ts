/** A RunSpec with the study's defaults (DEFAULT_CONFIG, its first loss, seed, data and arch) for whatever the caller leaves out. */
import { DEFAULT_CONFIG } from '../config/study-config.ts';
import { runSpec } from '../study/grid.ts';
import type { RunSpec } from './types.ts';

export function runSpecFor(overrides: Partial<RunSpec> = {}): RunSpec {
  const c = DEFAULT_CONFIG;
  return { ...runSpec(c, { loss: c.losses[0], seed: c.seeds[0], data: c.data[0], arch: c.arch[0] }), ...overrides };
}
