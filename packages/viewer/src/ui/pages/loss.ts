/** One loss: confusion heatmap, per-class F1 bars and reliability diagram, pooled over seeds or per seed. */
import { confusionCells, perClassF1, poolCalibration, sumConfusion } from '../../data/final.ts';
import { gridTag, gridTitle, runDatasetTag } from '../../data/group.ts';
import type { LoadedRun } from '../../data/model.ts';
import type { FinalDetails } from '../../format/types.ts';
import { chartCard } from '../card.ts';
import { colorOf } from '../charts/palette.ts';
import { confusionChart, perClassF1Chart, reliabilityChart } from '../charts/details.ts';
import { h, message } from '../dom.ts';
import type { PageContext } from '../context.ts';
import { comparisonControls } from './compare.ts';

function seedPicker(ctx: PageContext, seeds: number[], redraw: () => void): HTMLElement {
  const o = ctx.options;
  return h('div', { class: 'controls' }, h('label', {}, 'seeds ',
    h('select', { 'data-testid': 'seed-select', onchange: (e: Event) => { const v = (e.target as HTMLSelectElement).value; o.seed = v === 'all' ? 'all' : Number(v); redraw(); } },
      h('option', { value: 'all', selected: o.seed === 'all' }, `all ${seeds.length} pooled`),
      seeds.map((s) => h('option', { value: String(s), selected: o.seed === s }, `seed ${s}`)))));
}

function sections(ctx: PageContext, label: string, finals: LoadedRun[], groups: { group?: string; dataset?: string; data: string; arch: string }[]): HTMLElement[] {
  const { data, options } = ctx;
  const color = colorOf(label);
  const pick = (fs: FinalDetails[]) => (options.seed === 'all' ? fs : fs.filter((f) => f.seed === options.seed));
  return groups.map((g) => {
    const fs = pick(finals.filter((r) => (r.group ?? '') === (g.group ?? '') && runDatasetTag(r.run) === g.dataset && r.run.data === g.data && r.run.arch === g.arch).map((r) => r.final!));
    const title = groups.length > 1 ? gridTitle(g) : '';
    if (!fs.length) return h('div', { class: 'grid-group' }, title ? h('h2', {}, title) : null, message('info', 'No end-of-run details for this selection yet.'));
    const tag = `${ctx.tag}_${label}_${options.seed === 'all' ? 'pooled' : `seed${options.seed}`}${groups.length > 1 ? `_${gridTag(g)}` : ''}`;
    const classes = data.study.classNames.length ? data.study.classNames : fs[0].perClass.map((p) => p.class);
    const cal = poolCalibration(fs);
    const which = `${label}${fs.length > 1 ? `, ${fs.length} seeds` : `, seed ${fs[0].seed}`}${title ? `, ${title}` : ''}`;
    const confTitle = `Confusion matrix${fs.length > 1 ? ` (summed over ${fs.length} seeds)` : ''}`;
    const f1Title = `Per-class F1${fs.length > 1 ? ' (bars: mean, dots: seeds)' : ''}`;
    const relTitle = `Reliability diagram — ECE ${cal.ece.toFixed(4)}`;
    return h('div', { class: 'grid-group' }, title ? h('h2', {}, title) : null, h('div', { class: 'grid' },
      chartCard(confTitle, `${tag}_confusion`, confusionChart(confusionCells(sumConfusion(fs), classes), classes, { title: `${confTitle} — ${which}` }), { testId: 'chart-confusion' }),
      chartCard(f1Title, `${tag}_per_class_f1`, perClassF1Chart(perClassF1(fs), color, { title: `Per-class F1 — ${which}` }), { testId: 'chart-f1' }),
      chartCard(relTitle, `${tag}_reliability`, reliabilityChart(cal.bins, cal.ece, color, { title: `Reliability — ${which}` }), { testId: 'chart-reliability' })));
  });
}

export function lossPage(ctx: PageContext, label: string): HTMLElement {
  const { data } = ctx;
  const runs = data.runs.filter((r) => r.run.label === label);
  if (!runs.length) return h('div', { class: 'page' }, message('error', `No runs of loss “${label}” in this study.`));
  const groups = [...new Map(runs.map((r) => [`${r.group ?? ''}\u0000${runDatasetTag(r.run) ?? ''}\u0000${r.run.data}\u0000${r.run.arch}`,
    { group: r.group, dataset: runDatasetTag(r.run), data: r.run.data, arch: r.run.arch }])).values()];
  const problems = runs.filter((r) => r.finalError).map((r) => message('error', `${r.run.id}:`, ` ${r.finalError}`));
  const pending = runs.filter((r) => !r.final && !r.finalError).map((r) => r.run.id);
  const finals = runs.filter((r) => r.final);
  const seeds = [...new Set(finals.map((r) => r.run.seed))].sort((a, b) => a - b);
  const area = h('div', { class: 'charts' }, sections(ctx, label, finals, groups));
  const redraw = () => area.replaceChildren(...sections(ctx, label, finals, groups));
  return h('div', { class: 'page' },
    comparisonControls(ctx),
    seeds.length > 1 ? seedPicker(ctx, seeds, redraw) : null,
    problems,
    pending.length ? message('info', 'Still running:', ` ${pending.join(', ')} — end-of-run details appear when each run ends.`) : null,
    area);
}
