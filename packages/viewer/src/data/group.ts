/**
 * Grouping runs for the pages: runs are pooled over seeds only when every setting agrees (see
 * settings.ts). Each setting that differs between runs either splits them into panels (a grid
 * group: charts or a table of their own) or, when asked, into separate series within a panel
 * ('CE · lr=0.02'). Within a panel, series are losses in the config's order.
 */
import type { LoadedRun } from './model.ts';
import { differingSettings, settingsOf, settingsText, type Settings } from './settings.ts';

export interface LossGroup {
  loss: string;
  /** The series label: the loss's label, with the settings drawn as series when there are any ('CE · lr=0.02'). */
  label: string;
  runs: LoadedRun[];
}

export interface GridGroup {
  /** The panel's settings beyond data and arch ('batchSize=128 · lr=0.02'), '' when only data/arch tell panels apart. */
  group: string;
  /** The panel's values of the keys that split panels. */
  settings: Settings;
  data: string;
  arch: string;
  /** The panel's title ('lr=0.02 · clean data · convnet'). */
  title: string;
  losses: LossGroup[];
}

export interface GroupOptions {
  /** Differing settings drawn as separate series within a panel rather than as panels of their own. */
  series?: readonly string[];
}

/** What tells the runs apart and how: every differing setting, those that split panels and those that split series. */
export function groupingOf(runs: readonly LoadedRun[], opts: GroupOptions = {}): { differing: string[]; panels: string[]; series: string[] } {
  const differing = differingSettings(runs.map(settingsOf));
  const series = differing.filter((k) => opts.series?.includes(k));
  return { differing, panels: differing.filter((k) => !series.includes(k)), series };
}

/** Groups in first-seen order; losses follow `lossOrder` (the config's), then first-seen. */
export function groupRuns(runs: readonly LoadedRun[], lossOrder: readonly string[] = [], opts: GroupOptions = {}): GridGroup[] {
  const { panels, series } = groupingOf(runs, opts);
  const grids = new Map<string, GridGroup>();
  for (const r of runs) {
    const s = settingsOf(r);
    const key = JSON.stringify(panels.map((k) => s[k]));
    let g = grids.get(key);
    if (!g) {
      const own = Object.fromEntries(panels.map((k) => [k, s[k] ?? '(unset)']));
      const beyond = panels.filter((k) => k !== 'data' && k !== 'arch');
      g = { group: settingsText(own, beyond), settings: own, data: r.run.data, arch: r.run.arch, title: settingsText(s, [...beyond, ...['data', 'arch'].filter((k) => !series.includes(k))]), losses: [] };
      grids.set(key, g);
    }
    const label = series.length ? `${r.run.label} · ${settingsText(s, series)}` : r.run.label;
    let l = g.losses.find((x) => x.label === label);
    if (!l) g.losses.push((l = { loss: r.run.loss, label, runs: [] }));
    l.runs.push(r);
  }
  const rank = (loss: string) => {
    const i = lossOrder.indexOf(loss);
    return i < 0 ? lossOrder.length : i;
  };
  for (const g of grids.values()) {
    g.losses.sort((a, b) => rank(a.loss) - rank(b.loss));
    for (const l of g.losses) l.runs.sort((a, b) => a.run.seed - b.run.seed);
  }
  return [...grids.values()];
}

/** The series labels of a study in display order. */
export function lossLabels(runs: readonly LoadedRun[], lossOrder: readonly string[] = [], opts: GroupOptions = {}): string[] {
  const labels: string[] = [];
  for (const g of groupRuns(runs, lossOrder, opts)) for (const l of g.losses) if (!labels.includes(l.label)) labels.push(l.label);
  return labels;
}

export const gridTitle = (g: { title?: string; group?: string; data: string; arch: string }): string =>
  g.title ?? `${g.group ? `${g.group} · ` : ''}${g.data} data · ${g.arch}`;

/** A file-name-safe tag of a group. */
export const gridTag = (g: { title?: string; group?: string; data: string; arch: string }): string =>
  gridTitle(g).replace(/ data\b/, '').replace(/[^a-zA-Z0-9.=-]+/g, '_');
