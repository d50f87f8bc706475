/**
 * The configuration of a run: defaults ← preset ← --config FILE.json ← flags, validated.
 * Without an explicit outDir the study goes to results/<name>.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve as resolvePath } from 'node:path';
import { readLossFile } from './loss.ts';
import type { LossDefinition } from '@losslab/kernels';
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
  // JSON.parse keeps "__proto__" as a key; merging it with Object.assign would set the object's
  // prototype and slip its settings past the unknown-setting check.
  const proto = firstPrototypeKey(v);
  if (proto) throw new UsageError(`config ${file}: '${proto}' is not a setting`);
  const dup = firstDuplicateKey(text);
  if (dup) throw new UsageError(`config ${file}: the key '${dup}' appears twice`);
  return v as Record<string, unknown>;
}

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The path of the first key anywhere in `v` that names an object's prototype, or null. */
function firstPrototypeKey(v: unknown, path = ''): string | null {
  if (!v || typeof v !== 'object') return null;
  for (const k of Object.keys(v)) {
    const p = path ? `${path}.${k}` : k;
    if (PROTOTYPE_KEYS.has(k)) return p;
    const inner = firstPrototypeKey((v as Record<string, unknown>)[k], p);
    if (inner) return inner;
  }
  return null;
}

/**
 * Merges `o` into `base`. `stepSize`, `milestones` and `gamma` are shorthands for the schedule's
 * (not both forms in one source): stepSize makes it StepLR, milestones MultiStepLR, gamma sets either's factor.
 */
function applySchedule(base: Record<string, unknown>, o: Record<string, unknown>, source?: string): void {
  const { stepSize, milestones, gamma, schedule, ...rest } = o;
  if (source && schedule !== undefined && (stepSize !== undefined || milestones !== undefined || gamma !== undefined)) {
    throw new UsageError(`${source}: give either "schedule" or "stepSize"/"milestones"/"gamma", not both`);
  }
  Object.assign(base, rest);
  if (schedule !== undefined && (typeof schedule !== 'object' || schedule === null)) {
    base.schedule = schedule;
    return;
  }
  const prev = base.schedule as Record<string, unknown>;
  const given = schedule as Record<string, unknown> | undefined;
  // A partial object refines the schedule before it; one of another type replaces it.
  const s = given ? (given.type !== undefined && given.type !== prev.type ? { ...given } : { ...prev, ...given }) : { ...prev };
  if (stepSize !== undefined) base.schedule = { type: 'step', stepSize, gamma: s.gamma };
  else if (milestones !== undefined) base.schedule = { type: 'multistep', milestones, gamma: s.gamma };
  else base.schedule = s;
  if (gamma !== undefined) (base.schedule as Record<string, unknown>).gamma = gamma;
}

export async function resolveConfig(flags: RunFlags): Promise<StudyConfig> {
  const file = flags.config ? await readConfigFile(flags.config) : {};
  const { preset: filePreset, lossFile: fileLossFile, ...fromFile } = file;
  if (fileLossFile !== undefined && typeof fileLossFile !== 'string') throw new UsageError(`config ${flags.config}: "lossFile" must be a file name, got ${JSON.stringify(fileLossFile)}`);
  // Loss files: the config's (relative to the config file), then --loss-file's; later definitions of a name win.
  const definitions: LossDefinition[] = [];
  if (fileLossFile) definitions.push(...await readLossFile(resolvePath(dirname(flags.config!), fileLossFile)));
  if (flags.lossFile) definitions.push(...await readLossFile(flags.lossFile));
  const defs = definitions.filter((d, i) => !definitions.slice(i + 1).some((e) => e.name === d.name));
  if (filePreset !== undefined && typeof filePreset !== 'string') throw new UsageError(`config ${flags.config}: "preset" must be a preset name, got ${JSON.stringify(filePreset)}`);
  // The file's preset is its starting point; --preset on the command line overrides it.
  const presetName = flags.preset ?? filePreset ?? 'default';
  const preset = Object.hasOwn(PRESETS, presetName) ? PRESETS[presetName] : undefined; // never Object.prototype's keys (__proto__, constructor)
  if (!preset) throw new UsageError(`unknown preset '${presetName}' (known: ${Object.keys(PRESETS).join(', ')})`);
  const { outDir: _d, ...defaults } = DEFAULT_CONFIG;
  const merged: Record<string, unknown> = { ...structuredClone(defaults) };
  applySchedule(merged, structuredClone(preset) as Record<string, unknown>);
  if (flags.config) applySchedule(merged, fromFile, `config ${flags.config}`);
  applySchedule(merged, flagOverrides(flags) as Record<string, unknown>);
  if (merged.outDir === undefined && typeof merged.name === 'string') merged.outDir = `results/${merged.name}`;
  return validateConfig(merged, defs);
}
