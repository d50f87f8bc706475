/** A chart card: title, the chart, and its PNG/SVG export buttons; a table card with CSV export. */
import { h } from './dom.ts';
import { downloadCsv, downloadPng, downloadSvg, safeName } from './export.ts';

export function chartCard(title: string, fileName: string, chart: HTMLElement | SVGSVGElement, extra?: HTMLElement, testId?: string): HTMLElement {
  const svgOf = () => (chart instanceof SVGSVGElement ? chart : chart.querySelector<SVGSVGElement>('svg.chart-main, svg:last-of-type'));
  const name = safeName(fileName);
  const button = (label: string, act: (svg: SVGSVGElement) => void) =>
    h('button', { type: 'button', class: 'small', title: `Download as ${label}`, onclick: () => { const s = svgOf(); if (s) act(s); } }, label);
  return h('section', { class: 'card', 'data-testid': testId ?? `chart-${name}` },
    h('header', {}, h('h3', {}, title), h('span', { class: 'actions' },
      button('PNG', (s) => void downloadPng(s, name)), button('SVG', (s) => downloadSvg(s, name)))),
    extra ?? null,
    h('div', { class: 'chart' }, chart));
}

export function tableCard(title: string, fileName: string, table: HTMLElement, csv: () => string, note?: HTMLElement): HTMLElement {
  return h('section', { class: 'card wide' },
    h('header', {}, h('h3', {}, title), h('span', { class: 'actions' },
      h('button', { type: 'button', class: 'small', title: 'Download as CSV', onclick: () => downloadCsv(csv(), safeName(fileName)) }, 'CSV'))),
    note ?? null,
    h('div', { class: 'table-wrap' }, table));
}
