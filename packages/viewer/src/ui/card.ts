/** A chart card: title, the chart, and its PNG/SVG (and CSV of its numbers) export buttons; a table card with CSV export. */
import { h } from './dom.ts';
import { downloadCsv, downloadPng, downloadSvg, safeName } from './export.ts';

export function chartCard(title: string, fileName: string, chart: HTMLElement | SVGSVGElement, opts: { testId?: string; csv?: () => string; extra?: HTMLElement } = {}): HTMLElement {
  const svgOf = () => (chart instanceof SVGSVGElement ? chart : chart.querySelector<SVGSVGElement>('svg.chart-main, svg:last-of-type'));
  const name = safeName(fileName);
  const button = (label: string, what: string, act: () => void) =>
    h('button', { type: 'button', class: 'small', title: `Download ${what}`, 'aria-label': `Download ${title} as ${label}`, onclick: act }, label);
  const withSvg = (act: (svg: SVGSVGElement) => void) => () => { const s = svgOf(); if (s) act(s); };
  return h('section', { class: 'card', 'data-testid': opts.testId ?? `chart-${name}` },
    h('header', {}, h('h2', {}, title), h('span', { class: 'actions' },
      button('PNG', 'the chart as PNG', withSvg((s) => void downloadPng(s, name))),
      button('SVG', 'the chart as SVG', withSvg((s) => downloadSvg(s, name))),
      opts.csv ? button('CSV', 'the chart\'s numbers as CSV', () => downloadCsv(opts.csv!(), name)) : null)),
    opts.extra ?? null,
    h('div', { class: 'chart' }, chart));
}

export function tableCard(title: string, fileName: string, table: HTMLElement, csv: () => string, note?: HTMLElement): HTMLElement {
  return h('section', { class: 'card wide' },
    h('header', {}, h('h2', {}, title), h('span', { class: 'actions' },
      h('button', { type: 'button', class: 'small', title: 'Download as CSV', 'aria-label': `Download ${title} as CSV`, onclick: () => downloadCsv(csv(), safeName(fileName)) }, 'CSV'))),
    note ?? null,
    h('div', { class: 'table-wrap' }, table));
}
