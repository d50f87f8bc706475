/** Study overview: what ran, where, how long, and each run's status. */
import { toCsv } from '../../data/csv.ts';
import type { StudyData } from '../../data/model.ts';
import { h, message } from '../dom.ts';
import { fmt, fmtDuration, fmtTime } from '../format.ts';
import { tableCard } from '../card.ts';
import type { PageContext } from '../context.ts';
import { comparisonControls } from './compare.ts';

function keyValues(title: string, entries: [string, unknown][]): HTMLElement {
  const show = (v: unknown) => (v === null || v === undefined ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return h('section', { class: 'card' }, h('header', {}, h('h2', {}, title)),
    h('table', { class: 'kv' }, h('tbody', {}, entries.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, show(v)))))));
}

function duration(d: StudyData): string {
  const { startedAt, endedAt, status } = d.study;
  if (!startedAt) return '–';
  const end = endedAt ? Date.parse(endedAt) : Date.now();
  return fmtDuration(end - Date.parse(startedAt)) + (endedAt ? '' : status === 'running' ? ' so far' : '');
}

function runsTable(d: StudyData, several: boolean): { table: HTMLElement; csv: () => string } {
  const header = ['run', 'loss', 'seed', 'data', 'arch', 'status', 'epochs', 'last test acc.', 'diverged at', 'error', ...(several ? ['folder', 'group'] : [])];
  const rows = d.runs.map((r) => {
    const last = r.rows?.[r.rows.length - 1];
    return [r.run.id, r.run.label, r.run.seed, r.run.data, r.run.arch, r.run.status, `${r.run.epochsDone}/${r.run.epochs}`,
      last ? fmt(last.test_acc) : '–', r.run.divergedEpoch ?? '', r.run.error ?? r.csvError ?? '', ...(several ? [r.study ?? '', r.group ?? ''] : [])];
  });
  const table = h('table', { class: 'data', 'data-testid': 'runs-table' },
    h('thead', {}, h('tr', {}, header.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((row, i) => h('tr', { 'data-status': d.runs[i].run.status },
      row.map((v, j) => (j === 5 ? h('td', {}, h('span', { class: `badge ${v}` }, String(v))) : h('td', {}, String(v))))))));
  return { table, csv: () => toCsv(header, rows.map((r) => r.map(String))) };
}

export function overviewPage(ctx: PageContext): HTMLElement {
  const { data, comparison, tag } = ctx;
  const s = data.study;
  const counts = new Map<string, number>();
  for (const r of s.runs) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const a = s.adapter ?? {};
  const runs = runsTable(data, Boolean(comparison));
  return h('div', { class: 'page' },
    comparisonControls(ctx),
    h('div', { class: 'grid' },
      keyValues('Study', [['name', s.name], ['status', s.status], ['created', fmtTime(s.createdAt)], ['started', fmtTime(s.startedAt)],
        ['ended', fmtTime(s.endedAt)], ['duration', duration(data)], ['runs', [...counts].map(([k, v]) => `${v} ${k}`).join(', ') || 'none'],
        ['git commit', s.gitCommit]]),
      keyValues('Adapter', [['vendor', a.vendor], ['architecture', a.architecture], ['device', a.device], ['description', a.description],
        ['software', a.isSoftware], ['fallback', a.isFallbackAdapter], ['runtime', a.runtime]]),
      keyValues('Versions', Object.entries(s.versions ?? {})),
      keyValues('Config', Object.entries(s.config))),
    s.runs.length
      ? tableCard('Runs', `${tag}_runs`, runs.table, runs.csv)
      : message('info', 'This study has no runs yet.', ' Its study.json lists none; the page updates when they start.'));
}
