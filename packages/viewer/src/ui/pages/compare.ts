/** Several folders in one view: what they are (merged parts of one study, or groups compared by a setting) and the grouping key. */
import { h } from '../dom.ts';
import type { PageContext } from '../context.ts';

export function comparisonControls(ctx: PageContext): HTMLElement | null {
  const c = ctx.comparison;
  if (!c) return null;
  const folders = `${c.studies.length} folders (${c.studies.join(', ')})`;
  if (!c.groupBy) {
    return h('p', { class: 'note comparison', 'data-testid': 'comparison' },
      `${folders} with the same settings, merged as one study: seeds and shards run separately count together (a run in several folders is taken once, a finished one first).`);
  }
  return h('div', { class: 'controls comparison', 'data-testid': 'comparison' },
    h('span', {}, `${folders} differ in ${c.differing.join(', ')}: compared side by side.`),
    h('label', {}, 'group by ', h('select', { 'data-testid': 'group-by',
      onchange: (e: Event) => { ctx.options.groupBy = (e.target as HTMLSelectElement).value; ctx.update(); } },
    c.differing.map((k) => h('option', { value: k, selected: k === c.groupBy }, k)))));
}
