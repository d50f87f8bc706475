/**
 * The configuration of a run: defaults ← preset ← --config FILE.json ← flags, validated.
 * Without an explicit outDir the study goes to results/<name>.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../util/errors.ts';
import { flagOverrides, type RunFlags } from './flags.ts';
import { DEFAULT_CONFIG, PRESETS, type StudyConfig } from './study-config.ts';
import { validateConfig } from './validate.ts';

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
  return v as Record<string, unknown>;
}

/** Schedule settings in layers: --step-size makes it StepLR, --milestones MultiStepLR; --gamma sets either's factor. */
function applySchedule(base: Record<string, unknown>, o: Record<string, unknown>): void {
  const { stepSize, milestones, gamma, schedule, ...rest } = o;
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
  const presetName = flags.preset ?? 'default';
  const preset = PRESETS[presetName];
  if (!preset) throw new UsageError(`unknown preset '${presetName}' (known: ${Object.keys(PRESETS).join(', ')})`);
  const { outDir: _d, ...defaults } = DEFAULT_CONFIG;
  const merged: Record<string, unknown> = { ...structuredClone(defaults) };
  applySchedule(merged, structuredClone(preset) as Record<string, unknown>);
  if (flags.config) {
    const file = await readConfigFile(flags.config);
    const { preset: _p, ...rest } = file;
    applySchedule(merged, rest);
  }
  applySchedule(merged, flagOverrides(flags) as Record<string, unknown>);
  if (merged.outDir === undefined && typeof merged.name === 'string') merged.outDir = `results/${merged.name}`;
  return validateConfig(merged);
}
