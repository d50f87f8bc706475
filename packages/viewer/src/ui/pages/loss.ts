/** One loss: confusion heatmap, per-class F1 bars and reliability diagram, pooled over seeds or per seed. */
import { confusionCells, perClassF1, poolCalibration, sumConfusion } from '../../data/final.ts';
import type { FinalDetails } from '../../types.ts';
import { chartCard } from '../card.ts';
import { colorOf } from '../charts/palette.ts';
import { confusionChart, perClassF1Chart, reliabilityChart } from '../charts/details.ts';
import { h, message } from '../dom.ts';
import type { PageContext } from '../context.ts';

function seedPicker(ctx: PageContext, seeds: number[]): HTMLElement {
  const o = ctx.options;
  return h('div', { class: 'controls' }, h('label', {}, 'seeds ',
    h('select', { 'data-testid': 'seed-select', onchange: (e: Event) => { const v = (e.target as HTMLSelectElement).value; o.seed = v === 'all' ? 'all' : Number(v); ctx.update(); } },
      h('option', { value: 'all', selected: o.seed === 'all' }, `all ${seeds.length} pooled`),
      seeds.map((s) => h('option', { value: String(s), selected: o.seed === s }, `seed ${s}`)))));
}

export function lossPage(ctx: PageContext, label: string): HTMLElement {
  const { data, labels, options } = ctx;
  const runs = data.runs.filter((r) => r.run.label === label);
  if (!runs.length) return h('div', { class: 'page' }, message('error', `No runs of loss “${label}” in this study.`));
  const color = colorOf(label, labels);
  const grids = [...new Set(runs.map((r) => `${r.run.data}\u0000${r.run.arch}`))];
  const problems = runs.filter((r) => r.finalError).map((r) => message('error', `${r.run.id}:`, ` ${r.finalError}`));
  const pending = runs.filter((r) => !r.final && !r.finalError).map((r) => r.run.id);
  const finals = runs.filter((r) => r.final);
  const seeds = [...new Set(finals.map((r) => r.run.seed))].sort((a, b) => a - b);
  const pick = (fs: FinalDetails[]) => (options.seed === 'all' ? fs : fs.filter((f) => f.seed === options.seed));
  const sections = grids.map((key) => {
    const [dataName, arch] = key.split('\u0000');
    const fs = pick(finals.filter((r) => r.run.data === dataName && r.run.arch === arch).map((r) => r.final!));
    const title = grids.length > 1 ? `${dataName} data · ${arch}` : '';
    if (!fs.length) return h('div', { class: 'grid-group' }, title ? h('h2', {}, title) : null, message('info', 'No end-of-run details for this selection yet.'));
    const tag = `${data.study.name}_${label}_${options.seed === 'all' ? 'pooled' : `seed${options.seed}`}${grids.length > 1 ? `_${dataName}_${arch}` : ''}`;
    const classes = data.study.classNames.length ? data.study.classNames : fs[0].perClass.map((p) => p.class);
    const cal = poolCalibration(fs);
    return h('div', { class: 'grid-group' }, title ? h('h2', {}, title) : null, h('div', { class: 'grid' },
      chartCard(`Confusion matrix${fs.length > 1 ? ` (summed over ${fs.length} seeds)` : ''}`, `${tag}_confusion`, confusionChart(confusionCells(sumConfusion(fs), classes), classes), undefined, 'chart-confusion'),
      chartCard(`Per-class F1${fs.length > 1 ? ' (bars: mean, dots: seeds)' : ''}`, `${tag}_per_class_f1`, perClassF1Chart(perClassF1(fs), color), undefined, 'chart-f1'),
      chartCard(`Reliability diagram — ECE ${cal.ece.toFixed(4)}`, `${tag}_reliability`, reliabilityChart(cal.bins, cal.ece, color), undefined, 'chart-reliability')));
  });
  return h('div', { class: 'page' },
    h('h2', {}, h('span', { class: 'swatch', style: `background:${color}` }), `Loss ${label}`),
    seeds.length > 1 ? seedPicker(ctx, seeds) : null,
    problems,
    pending.length ? message('info', 'Still running:', ` ${pending.join(', ')} — end-of-run details appear when each run ends.`) : null,
    sections);
}
