/** The page frame: header with the study's name, folder and status, navigation, problems found in files. */
import type { Problem, StudyData } from '../data/model.ts';
import { colorOf } from './charts/palette.ts';
import { lossInfo, lossTitle } from '../data/losses.ts';
import { h, message } from './dom.ts';
import { pageTitle, routeHash, type Page, type Route } from './route.ts';

/** What tells studies apart: the folder (four folders may all be named "default"). */
export function studyLabel(data: StudyData): string {
  const folders = data.path.split(',').filter(Boolean);
  if (!folders.length) return data.study.name;
  return folders.length > 1 ? data.study.name : folders[0] === data.study.name ? folders[0] : `${data.study.name} — ${folders[0]}`;
}

/** The start of every export file name: the folder(s), else the study name. */
export function fileTag(data: StudyData): string {
  const folders = data.path.split(',').filter(Boolean);
  return folders.length ? folders.map((f) => f.replace(/\//g, '-')).join('+') : data.study.name;
}

export function header(route: Route, sourceText: string, data?: StudyData, labels: string[] = [], live = false): HTMLElement {
  const link = (r: Route, text: string | (Node | string)[], active: boolean) =>
    h('a', { href: routeHash(r), class: active ? 'active' : '', 'aria-current': active ? 'page' : null }, ...(Array.isArray(text) ? text : [text]));
  const nav: HTMLElement[] = [link({ kind: 'home' }, 'Studies', route.kind === 'home')];
  if (route.kind === 'study' && data) {
    const at = (page: Page) => link({ ...route, page, label: undefined }, pageTitle({ kind: 'study', studies: [], page }), route.page === page);
    nav.push(at('overview'), at('curves'), at('summary'), at('saliency'));
    for (const l of labels) {
      const a = link({ ...route, page: 'loss', label: l }, [h('span', { class: 'swatch', style: `background:${colorOf(l)}` }), l], route.page === 'loss' && route.label === l);
      a.title = lossTitle(lossInfo(data, l));
      nav.push(a);
    }
  }
  nav.push(link({ kind: 'train' }, 'Train', route.kind === 'train'), link({ kind: 'kernels' }, 'Kernel check', route.kind === 'kernels'));
  return h('header', { class: 'top' },
    h('div', { class: 'title' }, h('span', { class: 'brand' }, 'LossLab'),
      data ? h('span', { class: 'study-name', 'data-testid': 'study-name', title: data.path.split(',').join('\n') }, studyLabel(data)) : null,
      data ? h('span', { class: `badge ${data.study.status}`, 'data-testid': 'study-status' }, data.study.status) : null,
      live ? h('span', { class: 'live', 'data-testid': 'live' }, '● live') : null,
      h('span', { class: 'source' }, sourceText)),
    h('nav', { 'aria-label': 'pages' }, nav));
}

/** The page's h1 and the document title. */
export function pageHeading(route: Route, data?: StudyData): HTMLElement {
  const title = pageTitle(route);
  document.title = `${title}${data ? ` · ${studyLabel(data)}` : ''} · LossLab`;
  return h('h1', { class: 'page-title' }, title, data ? h('span', { class: 'of' }, studyLabel(data)) : null);
}

export function problemsPanel(problems: Problem[]): HTMLElement | null {
  if (!problems.length) return null;
  const errors = problems.filter((p) => p.level === 'error');
  const warnings = problems.filter((p) => p.level === 'warning');
  const list = (ps: Problem[]) => h('ul', {}, ps.map((p) => h('li', { 'data-file': p.file }, p.message)));
  // Many warnings (e.g. saliency files left out of a shared folder) fold away so they do not bury the page.
  const warningList = warnings.length > 3
    ? h('details', {}, h('summary', {}, `show them (first: ${warnings[0].message})`), list(warnings))
    : list(warnings);
  return h('div', { class: 'problems', 'data-testid': 'problems' },
    errors.length ? message('error', `${errors.length} file problem${errors.length > 1 ? 's' : ''}:`, list(errors)) : null,
    warnings.length ? message('warning', `${warnings.length} warning${warnings.length > 1 ? 's' : ''}:`, warningList) : null);
}
