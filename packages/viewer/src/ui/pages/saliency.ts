/** Saliency: for one seed, each panel image beside its saliency map under every loss's final model. */
import { groupRuns, gridTitle } from '../../data/group.ts';
import { decodeBase64, saliencyPanel, saliencySeeds, type SaliencyPanel } from '../../data/saliency.ts';
import { heatCanvas, rgbCanvas } from '../charts/pixels.ts';
import { colorOf } from '../charts/palette.ts';
import type { PageContext } from '../context.ts';
import { h, message } from '../dom.ts';

const ZOOM = 3;

function seedPicker(ctx: PageContext, seeds: number[], seed: number): HTMLElement {
  return h('label', {}, 'seed ', h('select', { 'data-testid': 'saliency-seed', onchange: (e: Event) => { ctx.options.seed = Number((e.target as HTMLSelectElement).value); ctx.update(); } },
    seeds.map((s) => h('option', { value: String(s), selected: s === seed }, `seed ${s}`))));
}

function panelTable(p: SaliencyPanel, allLabels: string[]): HTMLElement {
  const { width: w, height: ht } = p;
  return h('table', { class: 'saliency', 'data-testid': 'saliency-panel' },
    h('thead', {}, h('tr', {}, h('th', {}, 'test image'),
      p.labels.map((l) => h('th', {}, h('span', { class: 'swatch', style: `background:${colorOf(l)}` }), l)))),
    h('tbody', {}, p.rows.map((r) => h('tr', { 'data-index': r.index },
      h('td', {}, rgbCanvas(decodeBase64(r.rgb), w, ht, ZOOM, `test image ${r.index}: ${r.trueName}`),
        h('div', { class: 'caption' }, h('strong', {}, r.trueName), ` #${r.index}`)),
      r.cells.map((c, k) => h('td', {}, c
        ? [heatCanvas(c.map, w, ht, ZOOM, `${p.labels[k]}: predicted ${c.predictedName}; max |gradient| ${c.gradMax}`),
          h('div', { class: `caption ${c.correct ? 'correct' : 'wrong'}`, 'data-testid': 'saliency-pred' }, `${c.correct ? '✓' : '✗'} ${c.predictedName}`)]
        : h('div', { class: 'caption' }, 'no map')))))));
}

export function saliencyPage(ctx: PageContext): HTMLElement {
  const { data, labels, options } = ctx;
  const seeds = saliencySeeds(data.runs);
  if (!seeds.length) {
    return h('div', { class: 'page' }, message('info', 'No saliency maps in this study.',
      ' losslab run writes <Label>_saliency.json when a run finishes (done, not diverged); this study has none yet — it may still be running, or it was run before saliency maps existed.'));
  }
  const seed = typeof options.seed === 'number' && seeds.includes(options.seed) ? options.seed : seeds[0];
  const grids = groupRuns(data.runs, (data.study.config.losses as string[] | undefined) ?? []);
  return h('div', { class: 'page' },
    h('div', { class: 'controls' }, seeds.length > 1 ? seedPicker(ctx, seeds, seed) : h('span', { style: 'white-space:nowrap' }, `seed ${seed}`),
      h('span', { class: 'note' }, 'Each map: max over colour channels of |∂ logit(predicted class) / ∂ input| for the final model, divided by its maximum (bright = large). Captions: the predicted class (✓ correct, ✗ wrong).')),
    grids.map((g) => {
      const runs = g.losses.flatMap((l) => l.runs);
      const panel = saliencyPanel(runs, labels, seed, data.study.classNames);
      return h('section', { class: 'card wide', 'data-testid': `saliency-${g.data}-${g.arch}` },
        h('header', {}, h('h2', {}, `${grids.length > 1 ? `${gridTitle(g)} · ` : ''}seed ${seed}: ${panel.rows.length} test images × ${panel.labels.length - panel.missing.length} losses`)),
        panel.missing.length ? message('warning', 'Some losses have no saliency maps:', h('ul', {}, panel.missing.map((m) => h('li', {}, `${m.label}: ${m.reason}`)))) : null,
        panel.rows.length ? h('div', { class: 'table-wrap' }, panelTable(panel, labels)) : null);
    }));
}
