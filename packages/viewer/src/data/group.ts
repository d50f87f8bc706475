/** Grouping runs: by comparison group (studies compared side by side), data set × data variant × architecture, then loss. */
import type { LoadedRun } from './model.ts';

export interface LossGroup {
  loss: string;
  label: string;
  runs: LoadedRun[];
}

export interface GridGroup {
  /** The comparison group ('batchSize=128'), '' within one study. */
  group: string;
  /** The data set, when not CIFAR-10. */
  dataset?: string;
  data: string;
  arch: string;
  losses: LossGroup[];
}

/** A run's data set when it is not the default CIFAR-10 (undefined otherwise: titles and tags stay as they were). */
export const runDatasetTag = (r: { dataset?: string }): string | undefined => (r.dataset && r.dataset !== 'cifar10' ? r.dataset : undefined);

/** Groups in first-seen order; losses follow `lossOrder` (the config's), then first-seen. */
export function groupRuns(runs: readonly LoadedRun[], lossOrder: readonly string[] = []): GridGroup[] {
  const grids = new Map<string, GridGroup>();
  for (const r of runs) {
    const group = r.group ?? '';
    const dataset = runDatasetTag(r.run);
    const key = `${group}\u0000${dataset ?? ''}\u0000${r.run.data}\u0000${r.run.arch}`;
    let g = grids.get(key);
    if (!g) grids.set(key, (g = { group, ...(dataset ? { dataset } : {}), data: r.run.data, arch: r.run.arch, losses: [] }));
    let l = g.losses.find((x) => x.loss === r.run.loss);
    if (!l) g.losses.push((l = { loss: r.run.loss, label: r.run.label, runs: [] }));
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

/** The loss labels of a study in display order. */
export function lossLabels(runs: readonly LoadedRun[], lossOrder: readonly string[] = []): string[] {
  const labels: string[] = [];
  for (const g of groupRuns(runs, lossOrder)) for (const l of g.losses) if (!labels.includes(l.label)) labels.push(l.label);
  return labels;
}

export const gridTitle = (g: { group?: string; dataset?: string; data: string; arch: string }): string =>
  `${g.group ? `${g.group} · ` : ''}${g.dataset ? `${g.dataset} · ` : ''}${g.data} data · ${g.arch}`;

/** A file-name-safe tag of a group. */
export const gridTag = (g: { group?: string; dataset?: string; data: string; arch: string }): string => [g.group, g.dataset, g.data, g.arch].filter(Boolean).join('_');
