/**
 * What a run was trained with, besides its loss and seed: the study's config with each grid axis
 * (config `data: [...]`, `arch: [...]`, `datasets: [...]`…) replaced by the run's own value
 * (`run.data`, `run.arch`, `run.dataset`). Runs are pooled over seeds only when every setting
 * agrees; a key that differs between runs (a grid axis, or a config value that differs between
 * folders) splits them. Generic over keys: a new setting needs no change here.
 */
import type { LoadedRun } from './model.ts';

/**
 * Config keys that never tell runs apart: what is pooled or compared (seeds, losses, and the
 * losses' own definitions — a loss is told apart by its label), and bookkeeping.
 */
const NOT_SETTINGS = new Set(['name', 'seeds', 'losses', 'lossDefinitions', 'outDir']);

/** Run-entry fields that are bookkeeping, never a setting (everything else a config key names is). */
const RUN_BOOKKEEPING = new Set(['id', 'index', 'loss', 'label', 'seed', 'status', 'epochsDone', 'divergedEpoch', 'error', 'startedAt', 'endedAt',
  'adapter', 'csv', 'final', 'state', 'statusFile']);

export type Settings = Record<string, string>;

/**
 * Settings added to the results format later, with the value every older folder implicitly had:
 * a folder without them is pooled with newer ones at that value instead of shown apart.
 */
const IMPLICIT: Settings = { dataset: 'cifar10' };

export const settingValue = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** The run entry's own value for a config key: `data` → run.data, `datasets` → run.dataset. */
function runValue(run: Record<string, unknown>, key: string): unknown {
  for (const k of [key, key.replace(/e?s$/, '')]) if (!RUN_BOOKKEEPING.has(k) && run[k] !== undefined) return run[k];
  return undefined;
}

/** A run's settings: the config's values with grid axes taken from the run entry. */
export function runSettings(run: object, config: Record<string, unknown>): Settings {
  const r = run as Record<string, unknown>;
  const out: Settings = {};
  for (const [k, v] of Object.entries(config)) {
    if (NOT_SETTINGS.has(k)) continue;
    const own = runValue(r, k);
    out[k] = settingValue(own !== undefined ? own : v);
  }
  for (const k of ['data', 'arch']) if (!(k in out) && typeof r[k] === 'string') out[k] = r[k] as string;
  for (const [k, v] of Object.entries(IMPLICIT)) if (!(k in out) && !(`${k}s` in out)) out[k] = typeof r[k] === 'string' ? (r[k] as string) : v;
  return out;
}

/** Keys whose values are not the same for every run (sorted; a key missing in some runs counts as differing). */
export function differingSettings(all: readonly Settings[]): string[] {
  const keys = new Set(all.flatMap((s) => Object.keys(s)));
  return [...keys].filter((k) => new Set(all.map((s) => s[k] ?? '(unset)')).size > 1).sort();
}

/** The distinct values of each key, in first-seen order. */
export function settingValues(all: readonly Settings[], keys: readonly string[]): Record<string, string[]> {
  return Object.fromEntries(keys.map((k) => [k, [...new Set(all.map((s) => s[k] ?? '(unset)'))]]));
}

/** The runs' settings as loaded (each run carries its own, see LoadedRun.settings). */
export const settingsOf = (r: LoadedRun): Settings => r.settings ?? { data: r.run.data, arch: r.run.arch };

/** Grid axes read as words rather than key=value, in this order, after any other key. */
const WORDED: Record<string, (v: string) => string> = { dataset: (v) => v, data: (v) => `${v} data`, arch: (v) => v };

/** "lr=0.02 · batchSize=64 · clean data · convnet": the keys given, other keys first (sorted), then the grid axes. */
export function settingsText(s: Settings, keys: readonly string[]): string {
  const plain = keys.filter((k) => !(k in WORDED)).sort();
  const worded = Object.keys(WORDED).filter((k) => keys.includes(k));
  return [...plain.map((k) => `${k}=${s[k] ?? '(unset)'}`), ...worded.map((k) => WORDED[k](s[k] ?? '(unset)'))].join(' · ');
}
