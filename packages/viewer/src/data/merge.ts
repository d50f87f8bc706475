/**
 * Several study folders as one view. Every run keeps its own settings (data/settings.ts): runs
 * whose settings agree pool over seeds whichever folder they came from (seeds or shards run
 * separately, as `losslab summary` merges them); runs whose settings differ are never pooled —
 * the pages split them by every differing setting (data/group.ts). Each folder's provenance
 * (commit, when, how long, adapter) is kept.
 */
import type { RunEntry, Study, StudyStatus } from '../format/types.ts';
import type { LoadedRun, StudyData } from './model.ts';
import { provenance, type Provenance } from './provenance.ts';
import { differingSettings, settingsOf, settingValue, settingValues } from './settings.ts';

export interface Comparison {
  /** The folders, in the order given. */
  studies: string[];
  /** Settings whose values differ between runs (sorted): runs are never pooled across them. */
  differing: string[];
  /** Each differing setting's values, first-seen order. */
  values: Record<string, string[]>;
  /** Each folder's commit, times, duration and adapter. */
  folders: Provenance[];
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
const earliest = (xs: (string | undefined | null)[]) => xs.filter((x): x is string => !!x).sort()[0];

/**
 * One StudyData for several folders. A run (same settings, loss and seed) present in several
 * folders is taken once: a finished one first, else the first folder's (as `losslab summary`).
 */
export function mergeStudies(parts: readonly StudyData[]): StudyData & { comparison: Comparison } {
  const runs: LoadedRun[] = [];
  const seen = new Map<string, number>();
  for (const p of parts) {
    for (const r of p.runs) {
      const run: LoadedRun = { ...r, study: p.path };
      const id = JSON.stringify([settingsOf(run), r.run.loss, r.run.seed]);
      const at = seen.get(id);
      if (at === undefined) { seen.set(id, runs.length); runs.push(run); }
      else if (rank(r.run) < rank(runs[at].run)) runs[at] = run;
    }
  }
  const all = runs.map(settingsOf);
  const differing = differingSettings(all);
  const first = parts[0].study;
  const configKeys = new Set(parts.flatMap((p) => Object.keys(p.study.config)));
  // The settings every folder shares; differing ones are listed in the comparison (and by run).
  const agreed = Object.fromEntries([...configKeys].filter((k) => new Set(parts.map((p) => settingValue(p.study.config[k]))).size === 1).map((k) => [k, first.config[k]]));
  const losses = [...new Set(parts.flatMap((p) => (p.study.config.losses as string[] | undefined) ?? []))];
  const commits = [...new Set(parts.map((p) => p.study.gitCommit ?? null))];
  const study: Study = {
    ...first,
    name: mergedName(parts),
    status: mergedStatus(parts.map((p) => p.study.status)),
    createdAt: earliest(parts.map((p) => p.study.createdAt)),
    startedAt: earliest(parts.map((p) => p.study.startedAt)),
    endedAt: parts.some((p) => !p.study.endedAt) ? null : parts.map((p) => p.study.endedAt!).sort().at(-1),
    gitCommit: commits.length === 1 ? commits[0] : null,
    config: { ...agreed, losses, seeds: [...new Set(runs.map((r) => r.run.seed))].sort((a, b) => a - b) },
    runs: runs.map((r) => r.run),
  };
  return {
    path: parts.map((p) => p.path).join(','),
    study,
    runs,
    problems: parts.flatMap((p) => p.problems),
    comparison: { studies: parts.map((p) => p.path), differing, values: settingValues(all, differing), folders: parts.map((p) => provenance(p)) },
  };
}
