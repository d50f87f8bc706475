/**
 * The configuration of a run: defaults ← preset ← --config FILE.json ← flags, validated.
 * Without an explicit outDir the study goes to results/<name>.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../util/errors.ts';
import { flagOverrides, type RunFlags } from './flags.ts';
import { DEFAULT_CONFIG, PRESETS, type StudyConfig } from './study-config.ts';
import { validateConfig } from './validate.ts';
import { firstDuplicateKey } from './json-keys.ts';

export async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read config ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`config ${file} is not valid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new UsageError(`config ${file} must hold a JSON object`);
  const dup = firstDuplicateKey(text);
  if (dup) throw new UsageError(`config ${file}: the key '${dup}' appears twice`);
  return v as Record<string, unknown>;
}

/** Merges `o` into `base`; `stepSize`/`gamma` are shorthands for the schedule's (not both forms in one source). */
function applySchedule(base: Record<string, unknown>, o: Record<string, unknown>, source?: string): void {
  const { stepSize, gamma, schedule, ...rest } = o;
  if (source && schedule !== undefined && (stepSize !== undefined || gamma !== undefined)) {
    throw new UsageError(`${source}: give either "schedule" or "stepSize"/"gamma", not both`);
  }
  Object.assign(base, rest);
  const s = { ...(base.schedule as object), ...(schedule && typeof schedule === 'object' ? schedule : {}) } as Record<string, unknown>;
  if (schedule !== undefined && (typeof schedule !== 'object' || schedule === null)) base.schedule = schedule;
  else {
    if (stepSize !== undefined) s.stepSize = stepSize;
    if (gamma !== undefined) s.gamma = gamma;
    base.schedule = s;
  }
}

export async function resolveConfig(flags: RunFlags): Promise<StudyConfig> {
  const file = flags.config ? await readConfigFile(flags.config) : {};
  const { preset: filePreset, ...fromFile } = file;
  if (filePreset !== undefined && typeof filePreset !== 'string') throw new UsageError(`config ${flags.config}: "preset" must be a preset name, got ${JSON.stringify(filePreset)}`);
  // The file's preset is its starting point; --preset on the command line overrides it.
  const presetName = flags.preset ?? filePreset ?? 'default';
  const preset = PRESETS[presetName];
  if (!preset) throw new UsageError(`unknown preset '${presetName}' (known: ${Object.keys(PRESETS).join(', ')})`);
  const { outDir: _d, ...defaults } = DEFAULT_CONFIG;
  const merged: Record<string, unknown> = { ...structuredClone(defaults) };
  applySchedule(merged, structuredClone(preset) as Record<string, unknown>);
  if (flags.config) applySchedule(merged, fromFile, `config ${flags.config}`);
  applySchedule(merged, flagOverrides(flags) as Record<string, unknown>);
  if (merged.outDir === undefined && typeof merged.name === 'string') merged.outDir = `results/${merged.name}`;
  return validateConfig(merged);
}
