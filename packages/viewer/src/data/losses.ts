/**
 * What a loss label stands for, looked up in one place for every page: the loss spec the study
 * was run with ('focal:2') and, for a loss defined by the user, its definition where the results
 * carry one (a run entry's `definition`, or the config's `lossDefinitions[spec or label]`).
 */
import type { StudyData } from './model.ts';

export interface LossInfo {
  label: string;
  spec: string;
  definition?: string;
}

export function lossInfo(data: Pick<StudyData, 'runs' | 'study'>, label: string): LossInfo {
  const run = data.runs.find((r) => r.run.label === label)?.run;
  const spec = run?.loss ?? label;
  const own = (run as unknown as Record<string, unknown> | undefined)?.definition;
  const defs = data.study.config.lossDefinitions as Record<string, unknown> | undefined;
  const def = typeof own === 'string' ? own : typeof defs?.[spec] === 'string' ? defs[spec] as string : typeof defs?.[label] === 'string' ? defs[label] as string : undefined;
  return { label, spec, ...(def ? { definition: def } : {}) };
}

/** The hover text of a loss label: "Focal2 — focal:2", with the definition on the next line where there is one. */
export const lossTitle = (i: LossInfo): string => `${i.label} — ${i.spec}${i.definition ? `\n${i.definition}` : ''}`;
