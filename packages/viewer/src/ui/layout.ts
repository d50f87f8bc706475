/** The page frame: header with the study's name and status, navigation, problems found in files. */
import type { Problem, StudyData } from '../data/model.ts';
import { colorOf } from './charts/palette.ts';
import { h, message } from './dom.ts';
import { routeHash, type Route } from './route.ts';

export function header(route: Route, sourceText: string, data?: StudyData, labels: string[] = [], live = false): HTMLElement {
  const link = (r: Route, text: string | (Node | string)[], active: boolean) => h('a', { href: routeHash(r), class: active ? 'active' : '' }, ...(Array.isArray(text) ? text : [text]));
  const nav: HTMLElement[] = [link({ kind: 'home' }, 'Studies', route.kind === 'home')];
  if (route.kind === 'study' && data) {
    const at = (page: 'overview' | 'curves' | 'summary' | 'saliency') => link({ kind: 'study', study: route.study, page }, page[0].toUpperCase() + page.slice(1), route.page === page);
    nav.push(at('overview'), at('curves'), at('summary'), at('saliency'));
    for (const l of labels) {
      nav.push(link({ kind: 'study', study: route.study, page: 'loss', label: l },
        [h('span', { class: 'swatch', style: `background:${colorOf(l, labels)}` }), l], route.page === 'loss' && route.label === l));
    }
  }
  nav.push(link({ kind: 'kernels' }, 'Kernel check', route.kind === 'kernels'));
  return h('header', { class: 'top' },
    h('div', { class: 'title' }, h('span', { class: 'brand' }, 'LossLab'),
      data ? h('span', { class: 'study-name' }, data.study.name) : null,
      data ? h('span', { class: `badge ${data.study.status}`, 'data-testid': 'study-status' }, data.study.status) : null,
      live ? h('span', { class: 'live', 'data-testid': 'live' }, '● live') : null,
      h('span', { class: 'source' }, sourceText)),
    h('nav', {}, nav));
}

export function problemsPanel(problems: Problem[]): HTMLElement | null {
  if (!problems.length) return null;
  const errors = problems.filter((p) => p.level === 'error');
  const warnings = problems.filter((p) => p.level === 'warning');
  const list = (ps: Problem[]) => h('ul', {}, ps.map((p) => h('li', { 'data-file': p.file }, p.message)));
  return h('div', { class: 'problems', 'data-testid': 'problems' },
    errors.length ? message('error', `${errors.length} file problem${errors.length > 1 ? 's' : ''}:`, list(errors)) : null,
    warnings.length ? message('warning', `${warnings.length} warning${warnings.length > 1 ? 's' : ''}:`, list(warnings)) : null);
}
