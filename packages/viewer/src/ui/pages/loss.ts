/**
 * One loss: confusion matrix (rows normalised per true class, one colour scale), per-class F1 and
 * reliability diagram, over all seeds or one seed, one panel per combination of differing settings.
 * The ECE shown is the one of the summary (format/metrics.ts ECE_DEFINITION).
 */
import { eceText, meanConfusionRates, perClassF1, poolCalibration } from '../../data/final.ts';
import { groupRuns, gridTag, gridTitle } from '../../data/group.ts';
import type { LoadedRun } from '../../data/model.ts';
import { ECE_DEFINITION } from '../../format/metrics.ts';
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
      h('option', { value: 'all', selected: o.seed === 'all' }, 'all seeds (each panel says how many)'),
      seeds.map((s) => h('option', { value: String(s), selected: o.seed === s }, `seed ${s}`)))),
  h('span', { class: 'note', 'data-testid': 'ece-definition' }, `${ECE_DEFINITION}. The reliability diagram pools the seeds' bins.`));
}

function sections(ctx: PageContext, label: string, runs: LoadedRun[]): HTMLElement[] {
  const { data, options } = ctx;
  const color = colorOf(label);
  const grids = groupRuns(runs);
  return grids.map((g) => {
    const all = g.losses.flatMap((l) => l.runs).flatMap((r) => (r.final ? [r.final] : []));
    const fs = options.seed === 'all' ? all : all.filter((f) => f.seed === options.seed);
    const title = grids.length > 1 ? gridTitle(g) : '';
    const heading = title ? h('h2', {}, `${title} — ${all.length} seed${all.length === 1 ? '' : 's'}`) : null;
    if (!fs.length) return h('div', { class: 'grid-group' }, heading, message('info', 'No end-of-run details for this selection yet.'));
    const tag = `${ctx.tag}_${label}_${options.seed === 'all' ? 'all' : `seed${options.seed}`}${grids.length > 1 ? `_${gridTag(g)}` : ''}`;
    const classes = data.study.classNames.length ? data.study.classNames : fs[0].perClass.map((p) => p.class);
    const cal = poolCalibration(fs);
    const ece = eceText(fs);
    const which = `${label}${fs.length > 1 ? `, ${fs.length} seeds` : `, seed ${fs[0].seed}`}${title ? `, ${title}` : ''}`;
    const confTitle = `Confusion matrix${fs.length > 1 ? ` (mean of ${fs.length} seeds)` : ''}, % of each true class`;
    const f1Title = `Per-class F1${fs.length > 1 ? ` (bars: mean of ${fs.length} seeds, dots: each seed)` : ''}`;
    const relTitle = `Reliability diagram — ${ece}`;
    return h('div', { class: 'grid-group' }, heading, h('div', { class: 'grid' },
      chartCard(confTitle, `${tag}_confusion`, confusionChart(meanConfusionRates(fs, classes), classes, { title: `${confTitle} — ${which}` }), { testId: 'chart-confusion' }),
      chartCard(f1Title, `${tag}_per_class_f1`, perClassF1Chart(perClassF1(fs), color, { title: `Per-class F1 — ${which}` }), { testId: 'chart-f1' }),
      chartCard(relTitle, `${tag}_reliability`, reliabilityChart(cal.bins, ece, color, { title: `Reliability — ${which}` }), { testId: 'chart-reliability' })));
  });
}

export function lossPage(ctx: PageContext, label: string): HTMLElement {
  const { data } = ctx;
  const runs = data.runs.filter((r) => r.run.label === label);
  if (!runs.length) return h('div', { class: 'page' }, message('error', `No runs of loss “${label}” in this study.`));
  const problems = runs.filter((r) => r.finalError).map((r) => message('error', `${r.run.id}:`, ` ${r.finalError}`));
  const pending = runs.filter((r) => !r.final && !r.finalError).map((r) => r.run.id);
  const finals = runs.filter((r) => r.final);
  const seeds = [...new Set(finals.map((r) => r.run.seed))].sort((a, b) => a - b);
  const area = h('div', { class: 'charts' }, sections(ctx, label, finals));
  const redraw = () => area.replaceChildren(...sections(ctx, label, finals));
  return h('div', { class: 'page' },
    comparisonControls(ctx),
    seeds.length > 1 ? seedPicker(ctx, seeds, redraw) : h('p', { class: 'note', 'data-testid': 'ece-definition' }, `${ECE_DEFINITION}.`),
    problems,
    pending.length ? message('info', 'Still running:', ` ${pending.join(', ')} — end-of-run details appear when each run ends.`) : null,
    area);
}
