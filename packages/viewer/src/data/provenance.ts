/** Where a study folder's numbers came from: commit, when it ran, how long it trained, on which adapter. */
import type { AdapterInfo, Study } from '../format/types.ts';
import type { StudyData } from './model.ts';

export interface Provenance {
  folder: string;
  name: string;
  status: Study['status'];
  gitCommit: string | null;
  createdAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  /** endedAt − startedAt of this folder (to now while it runs); null without a start. */
  durationMs: number | null;
  adapter: string;
  runs: number;
}

/** One line for an adapter: study.json's own summary, else vendor / architecture / device (runtime, software). */
export function adapterText(a: AdapterInfo | undefined): string {
  if (!a) return '–';
  const own = (a as { summary?: unknown }).summary;
  if (typeof own === 'string' && own) return own;
  const flags = [a.runtime, a.isSoftware ? 'software' : null, a.isFallbackAdapter ? 'fallback' : null].filter(Boolean);
  const parts = [a.vendor, a.architecture, a.device].filter(Boolean).join(' / ');
  return `${parts || 'unknown adapter'}${flags.length ? ` (${flags.join(', ')})` : ''}`;
}

export function durationMs(s: Pick<Study, 'startedAt' | 'endedAt'>, now = Date.now()): number | null {
  if (!s.startedAt) return null;
  const end = s.endedAt ? Date.parse(s.endedAt) : now;
  const ms = end - Date.parse(s.startedAt);
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

export function provenance(d: StudyData, now = Date.now()): Provenance {
  const s = d.study;
  return {
    folder: d.path, name: s.name, status: s.status, gitCommit: s.gitCommit ?? null,
    createdAt: s.createdAt ?? null, startedAt: s.startedAt ?? null, endedAt: s.endedAt ?? null,
    durationMs: durationMs(s, now), adapter: adapterText(s.adapter), runs: s.runs.length,
  };
}
