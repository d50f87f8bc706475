/** Study overview: what ran, where, how long, and each run's status. */
import { toCsv } from '../../data/csv.ts';
import type { LoadedRun, StudyData } from '../../data/model.ts';
import { durationMs, type Provenance } from '../../data/provenance.ts';
import { columnValue, emptySelection, filterColumns, isShown, passesFilters, runKey, selectionActive } from '../../data/runfilter.ts';
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
  const ms = durationMs(d.study);
  return ms === null ? '–' : fmtDuration(ms) + (d.study.endedAt ? '' : d.study.status === 'running' ? ' so far' : '');
}

/** Each folder's provenance: commit, start and end, duration, adapter (a merged view's numbers come from all of them). */
function foldersTable(folders: Provenance[]): { table: HTMLElement; csv: () => string } {
  const header = ['folder', 'name', 'status', 'git commit', 'started', 'ended', 'duration', 'adapter', 'runs'];
  const rows = folders.map((f) => [f.folder, f.name, f.status, f.gitCommit ?? '–', fmtTime(f.startedAt), fmtTime(f.endedAt),
    f.durationMs === null ? '–' : fmtDuration(f.durationMs) + (f.endedAt ? '' : ' so far'), f.adapter, String(f.runs)]);
  const table = h('table', { class: 'data folders', 'data-testid': 'folders-table' },
    h('thead', {}, h('tr', {}, header.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, row.map((v, j) => (j === 3 && v !== '–' ? h('td', { title: v }, h('code', {}, v.slice(0, 10))) : h('td', {}, v)))))));
  return { table, csv: () => toCsv(header, rows) };
}

/** The runs table (as W&B's): filter by loss, seed and each setting, hide single runs; every page shows only the runs kept. */
function runsTable(ctx: PageContext): { table: HTMLElement; controls: HTMLElement; csv: () => string } {
  const d = ctx.all;
  const sel = ctx.options.runs;
  const several = Boolean(ctx.comparison);
  const cols = filterColumns(d.runs);
  const extra = cols.map((c) => c.key).filter((k) => !['loss', 'seed', 'data', 'arch'].includes(k));
  const header = ['shown', 'run', 'loss', 'seed', 'data', 'arch', ...extra, 'status', 'epochs', 'last test acc.', 'diverged at', 'error', ...(several ? ['folder'] : [])];
  const listed = d.runs.filter((r) => passesFilters(r, sel));
  const cells = (r: LoadedRun) => {
    const last = r.rows?.[r.rows.length - 1];
    return [r.run.id, r.run.label, r.run.seed, r.run.data, r.run.arch, ...extra.map((k) => columnValue(r, k)), r.run.status, `${r.run.epochsDone}/${r.run.epochs}`,
      last ? fmt(last.test_acc) : '–', r.run.divergedEpoch ?? '', r.run.error ?? r.csvError ?? '', ...(several ? [r.study ?? ''] : [])];
  };
  const statusAt = 5 + extra.length;
  const toggle = (r: LoadedRun) => (e: Event) => {
    const on = (e.target as HTMLInputElement).checked;
    sel.hidden = on ? sel.hidden.filter((k) => k !== runKey(r)) : [...sel.hidden, runKey(r)];
    ctx.update();
  };
  const table = h('table', { class: 'data', 'data-testid': 'runs-table' },
    h('thead', {}, h('tr', {}, header.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, listed.map((r) => h('tr', { 'data-status': r.run.status, 'data-run': runKey(r), class: sel.hidden.includes(runKey(r)) ? 'hidden-run' : '' },
      h('td', {}, h('input', { type: 'checkbox', checked: !sel.hidden.includes(runKey(r)), 'aria-label': `show ${r.run.id}`, 'data-testid': `show-${r.run.id}`, onchange: toggle(r) })),
      cells(r).map((v, j) => (j === statusAt ? h('td', {}, h('span', { class: `badge ${v}` }, String(v))) : h('td', {}, String(v))))))));
  const filter = (c: { key: string; values: string[] }) => h('label', { class: 'nowrap' }, `${c.key} `, h('select', { 'data-testid': `filter-${c.key}`, 'aria-label': `filter runs by ${c.key}`,
    onchange: (e: Event) => {
      const v = (e.target as HTMLSelectElement).value;
      if (v === '') delete sel.filters[c.key];
      else sel.filters[c.key] = [v];
      ctx.update();
    } },
  h('option', { value: '', selected: !sel.filters[c.key] }, 'all'),
  c.values.map((v) => h('option', { value: v, selected: sel.filters[c.key]?.includes(v) ?? false }, v))));
  const shown = d.runs.filter((r) => isShown(r, sel)).length;
  const controls = h('div', { class: 'run-filters', 'data-testid': 'run-filters' }, cols.map(filter),
    h('span', { class: 'note', 'data-testid': 'runs-shown' }, `${shown} of ${d.runs.length} runs shown on every page`),
    selectionActive(sel) ? h('button', { type: 'button', class: 'small', 'data-testid': 'show-all', onclick: () => { ctx.options.runs = emptySelection(); ctx.update(); } }, 'show all') : null);
  return { table, controls, csv: () => toCsv(header.slice(1), listed.map((r) => cells(r).map(String))) };
}

export function overviewPage(ctx: PageContext): HTMLElement {
  const { data, comparison, tag } = ctx;
  const s = data.study;
  const counts = new Map<string, number>();
  for (const r of s.runs) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const a = s.adapter ?? {};
  const runs = runsTable(ctx);
  const folders = comparison?.folders;
  const commits = new Set(folders?.map((f) => f.gitCommit));
  const trained = folders?.reduce((t, f) => t + (f.durationMs ?? 0), 0);
  const studyRows: [string, unknown][] = folders
    ? [['name', s.name], ['status', s.status], ['folders', folders.length], ['first started', fmtTime(s.startedAt)], ['last ended', fmtTime(s.endedAt)],
      ['training time', `${fmtDuration(trained ?? NaN)} (sum of the folders' durations; see Folders)`],
      ['runs', [...counts].map(([k, v]) => `${v} ${k}`).join(', ') || 'none'],
      ['git commit', commits.size === 1 ? [...commits][0] : `${commits.size} commits (see Folders)`]]
    : [['name', s.name], ['status', s.status], ['created', fmtTime(s.createdAt)], ['started', fmtTime(s.startedAt)],
      ['ended', fmtTime(s.endedAt)], ['duration', duration(data)], ['runs', [...counts].map(([k, v]) => `${v} ${k}`).join(', ') || 'none'],
      ['git commit', s.gitCommit]];
  const ft = folders ? foldersTable(folders) : null;
  return h('div', { class: 'page' },
    comparisonControls(ctx),
    h('div', { class: 'grid' },
      keyValues(folders ? 'Study (merged)' : 'Study', studyRows),
      folders ? null : keyValues('Adapter', [['vendor', a.vendor], ['architecture', a.architecture], ['device', a.device], ['description', a.description],
        ['software', a.isSoftware], ['fallback', a.isFallbackAdapter], ['runtime', a.runtime]]),
      keyValues('Versions', Object.entries(s.versions ?? {})),
      keyValues(folders ? 'Config (settings every folder shares)' : 'Config', Object.entries(s.config))),
    ft ? tableCard('Folders', `${tag}_folders`, ft.table, ft.csv) : null,
    ctx.all.runs.length
      ? tableCard('Runs', `${tag}_runs`, runs.table, runs.csv, runs.controls)
      : message('info', 'This study has no runs yet.', ' Its study.json lists none; the page updates when they start.'));
}
