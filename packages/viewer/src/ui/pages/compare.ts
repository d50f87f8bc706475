/**
 * What tells the runs apart, said on every page: several folders merged as one study, or the
 * settings that differ between runs (never pooled across them) and, on chart pages, whether each
 * differing setting splits panels or series. The choice is part of the address (route.ts).
 */
import { groupingOf } from '../../data/group.ts';
import { h } from '../dom.ts';
import type { PageContext } from '../context.ts';

export function comparisonControls(ctx: PageContext, opts: { seriesChoice?: boolean } = {}): HTMLElement | null {
  const c = ctx.comparison;
  const { differing, series } = groupingOf(ctx.data.runs, { series: ctx.options.series });
  const folders = c ? `${c.studies.length} folders (${c.studies.join(', ')})` : '';
  if (!differing.length) {
    if (!c) return null;
    return h('p', { class: 'note comparison', 'data-testid': 'comparison' },
      `${folders} with the same settings, merged as one study: seeds and shards run separately count together (a run in several folders is taken once, a finished one first).`);
  }
  // Values as the runs carry them, first-seen order.
  const values = (k: string) => [...new Set(ctx.data.runs.map((r) => r.settings?.[k] ?? (k === 'data' ? r.run.data : k === 'arch' ? r.run.arch : '(unset)')))];
  const said = differing.map((k) => `${k} (${values(k).join(', ')})`).join(', ');
  const text = `${c ? `${folders}: runs` : 'Runs'} differ in ${said}. Runs are pooled over seeds only where every setting agrees — never across these.`;
  const choose = (k: string) => h('label', { class: 'nowrap' }, `${k}: `, h('select', { 'data-testid': `split-${k}`, 'aria-label': `how runs that differ in ${k} are shown`,
    onchange: (e: Event) => {
      const asSeries = (e.target as HTMLSelectElement).value === 'series';
      ctx.setSeries(asSeries ? [...series, k] : series.filter((x) => x !== k));
    } },
  h('option', { value: 'panels', selected: !series.includes(k) }, 'separate panels'),
  h('option', { value: 'series', selected: series.includes(k) }, 'series in one chart')));
  return h('div', { class: 'controls comparison', 'data-testid': 'comparison', 'data-differing': differing.join(',') },
    h('span', {}, text),
    opts.seriesChoice ? differing.map(choose) : h('span', { class: 'note' }, 'One table or panel per combination of these settings.'));
}
