/**
 * Several study folders as one view. Folders whose configs agree (apart from seeds, losses, data
 * variants and architectures: the grid's axes) are parts of one study — seeds or shards run
 * separately — and merge into it, as `losslab summary` merges them. Folders that differ in other
 * settings are compared side by side, in groups by one differing config key.
 */
import type { RunEntry, Study, StudyStatus } from '../format/types.ts';
import type { LoadedRun, StudyData } from './model.ts';

/** Config keys that are grid axes or bookkeeping, never a reason to keep folders apart. */
const MERGEABLE = new Set(['name', 'seeds', 'losses', 'data', 'arch', 'outDir']);

export interface Comparison {
  /** The folders, in the order given. */
  studies: string[];
  /** Config keys whose values differ between folders (sorted). */
  differing: string[];
  /** The key runs are grouped by; null when the folders merge into one study. */
  groupBy: string | null;
}

export const configValue = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

export function differingKeys(configs: readonly Record<string, unknown>[]): string[] {
  const keys = new Set(configs.flatMap((c) => Object.keys(c)));
  return [...keys].filter((k) => !MERGEABLE.has(k) && new Set(configs.map((c) => configValue(c[k]))).size > 1).sort();
}

function mergedStatus(statuses: StudyStatus[]): StudyStatus {
  return statuses.includes('running') ? 'running' : statuses.includes('failed') ? 'failed' : 'done';
}

/** A display name for several folders: their common name, else the folders' names. */
function mergedName(parts: readonly StudyData[]): string {
  const names = [...new Set(parts.map((p) => p.study.name))];
  if (names.length === 1) return `${names[0]} (${parts.length} folders)`;
  const folders = parts.map((p) => p.path || p.study.name);
  return folders.length > 2 ? `${folders[0]} + ${folders.length - 1} more folders` : folders.join(' + ');
}

const rank = (r: RunEntry) => (r.status === 'done' ? 0 : r.status === 'diverged' ? 1 : r.status === 'running' ? 2 : 3);

/**
 * One StudyData for several folders. Within a group, a run (loss × seed × data × arch) present in
 * several folders is taken once: a finished one first, else the first folder's (as `losslab summary`).
 */
export function mergeStudies(parts: readonly StudyData[], groupBy?: string | null): StudyData & { comparison: Comparison } {
  const configs = parts.map((p) => p.study.config);
  const differing = differingKeys(configs);
  const key = differing.length ? (groupBy && differing.includes(groupBy) ? groupBy : differing[0]) : null;
  const runs: LoadedRun[] = [];
  const seen = new Map<string, number>();
  parts.forEach((p) => {
    const group = key === null ? undefined : `${key}=${configValue(p.study.config[key])}`;
    for (const r of p.runs) {
      const id = `${group ?? ''}|${r.run.data}|${r.run.arch}|${r.run.loss}|${r.run.seed}`;
      const run: LoadedRun = { ...r, study: p.path, group };
      const at = seen.get(id);
      if (at === undefined) { seen.set(id, runs.length); runs.push(run); }
      else if (rank(r.run) < rank(runs[at].run)) runs[at] = run;
    }
  });
  const first = parts[0].study;
  const agreed = Object.fromEntries(Object.entries(first.config).filter(([k]) => !differing.includes(k) && !MERGEABLE.has(k)));
  const losses = [...new Set(parts.flatMap((p) => (p.study.config.losses as string[] | undefined) ?? []))];
  const study: Study = {
    ...first,
    name: mergedName(parts),
    status: mergedStatus(parts.map((p) => p.study.status)),
    startedAt: parts.map((p) => p.study.startedAt).filter(Boolean).sort()[0],
    endedAt: parts.some((p) => !p.study.endedAt) ? null : parts.map((p) => p.study.endedAt!).sort().at(-1),
    config: { ...agreed, losses, seeds: [...new Set(runs.map((r) => r.run.seed))].sort((a, b) => a - b) },
    runs: runs.map((r) => r.run),
  };
  return {
    path: parts.map((p) => p.path).join(','),
    study,
    runs,
    problems: parts.flatMap((p) => p.problems),
    comparison: { studies: parts.map((p) => p.path), differing, groupBy: key },
  };
}
