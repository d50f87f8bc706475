/**
 * The Train form's settings → a study configuration (the CLI's StudyConfig, one data set), with
 * one line per problem. Losses go through the kernels' loss compiler exactly as `--losses` does:
 * built-in and zoo names with parameters, and the user's `name=expr` definitions, compiled and
 * checked there (nothing the user types is run any other way).
 */
import { definitionLine, parseLoss } from '@losslab/kernels';
import { ARCHS, DATA_VARIANTS, DEFAULT_CONFIG, definitionsFromText, MAX_SEED, MAX_SEEDS, splitLossList, type StudyConfig } from '@losslab/experiments/browser';
import { BROWSER_DATASETS, type BrowserDatasetName } from './data/datasets.ts';

export { ARCHS, DATA_VARIANTS };

/** A study the page trains: the CLI's configuration plus the user's loss definitions (one `name=expr` per line). */
export type TrainConfig = Omit<StudyConfig, 'outDir'> & { definitions: string[] };

/** The form's fields as typed. */
export interface TrainForm {
  name: string;
  dataset: string;
  losses: string;
  definitions: string;
  seeds: string;
  epochs: string;
  batchSize: string;
  lr: string;
  schedule: 'step' | 'none';
  stepSize: string;
  gamma: string;
  data: string;
  arch: string;
  trainSubset: string;
}

export function defaultForm(): TrainForm {
  const d = DEFAULT_CONFIG;
  const step = d.schedule.type === 'step' ? d.schedule : { stepSize: 10, gamma: 0.5 };
  return {
    name: 'browser', dataset: d.dataset[0], losses: d.losses.join(', '), definitions: '', seeds: '0',
    epochs: '3', batchSize: String(d.batchSize), lr: String(d.lr), schedule: 'step', stepSize: String(step.stepSize), gamma: String(step.gamma),
    data: d.data[0], arch: d.arch[0], trainSubset: '5000',
  };
}

/** '0-2' or '0, 3, 5'. */
function parseSeeds(v: string, problems: string[]): number[] {
  const seeds: number[] = [];
  for (const part of v.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!m) { problems.push(`Seeds: "${part}" is not a seed or a range such as 0-2`); return []; }
    const [a, b] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (b < a || b > MAX_SEED || b - a + 1 + seeds.length > MAX_SEEDS) { problems.push(`Seeds: "${part}" is not a range of at most ${MAX_SEEDS} seeds within 0–${MAX_SEED}`); return []; }
    for (let s = a; s <= b; s++) seeds.push(s);
  }
  if (!seeds.length) problems.push('Seeds: give at least one (e.g. 0 or 0-2)');
  if (new Set(seeds).size !== seeds.length) problems.push('Seeds: a seed is listed twice');
  return seeds;
}

function int(label: string, v: string, min: number, problems: string[], max = Number.MAX_SAFE_INTEGER): number {
  const x = Number(v.trim());
  if (!(v.trim() !== '' && Number.isInteger(x) && x >= min && x <= max)) problems.push(`${label}: expected a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, got "${v}"`);
  return x;
}

function positive(label: string, v: string, problems: string[]): number {
  const x = Number(v.trim());
  if (!(v.trim() !== '' && Number.isFinite(x) && x > 0)) problems.push(`${label}: expected a positive number, got "${v}"`);
  return x;
}

/** The configuration, or the problems (one line each, naming the field). */
export function trainConfig(f: TrainForm): { config: TrainConfig } | { problems: string[] } {
  const problems: string[] = [];
  if (!(f.dataset in BROWSER_DATASETS)) problems.push(`Data set: the page reads ${Object.keys(BROWSER_DATASETS).join(', ')}, not "${f.dataset}"`);
  const name = f.name.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) problems.push('Study name: letters, digits, ".", "_" and "-" (it names the folder), at most 64');
  const defs = definitionsFromText(f.definitions, (line, m) => problems.push(`Loss definitions, line ${line}: ${m}`));
  const losses: string[] = [];
  const labels = new Set<string>();
  const list = splitLossList(f.losses);
  if (!list.length) problems.push('Losses: give at least one (e.g. ce, focal:2)');
  for (const l of list) {
    try {
      const spec = parseLoss(l, { definitions: defs });
      if (labels.has(spec.label)) problems.push(`Losses: ${spec.label} is listed twice`);
      labels.add(spec.label);
      losses.push(spec.source);
    } catch (e) {
      problems.push(`Losses: ${(e as Error).message}`);
    }
  }
  const seeds = parseSeeds(f.seeds, problems);
  const epochs = int('Epochs', f.epochs, 1, problems, 10_000);
  const batchSize = int('Batch size', f.batchSize, 1, problems, 65_536);
  const lr = positive('Learning rate', f.lr, problems);
  const schedule = f.schedule === 'none'
    ? { type: 'step' as const, stepSize: Math.max(1, epochs), gamma: 1 }
    : { type: 'step' as const, stepSize: int('Step size', f.stepSize, 1, problems), gamma: positive('Gamma', f.gamma, problems) };
  if (!DATA_VARIANTS.includes(f.data)) problems.push(`Data variant: one of ${DATA_VARIANTS.join(', ')}`);
  if (!ARCHS.includes(f.arch)) problems.push(`Architecture: one of ${ARCHS.join(', ')}`);
  const spec = BROWSER_DATASETS[f.dataset as BrowserDatasetName];
  const trainSubset = f.trainSubset.trim() === '' ? null : int('Training images', f.trainSubset, 1, problems, spec?.trainSize ?? Infinity);
  if (problems.length) return { problems };
  const { outDir: _outDir, ...base } = DEFAULT_CONFIG;
  return {
    config: {
      ...base, name, losses, seeds, epochs, batchSize, lr, schedule, data: [f.data], arch: [f.arch], dataset: [f.dataset], trainSubset,
      definitions: defs.map(definitionLine),
    },
  };
}
