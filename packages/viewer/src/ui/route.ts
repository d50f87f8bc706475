/**
 * Hash routes: #/ (studies), #/train, #/kernels, #/s/<study>[,<study>…]/<page>[/<loss label>][?series=<key>,…].
 * Several studies (each URI-encoded, joined by commas) are one view. `series` names the differing
 * settings drawn as series within a chart; every other differing setting splits panels. The
 * grouping is part of the address: a link or a reload shows the same grouping.
 */
export type Page = 'overview' | 'curves' | 'summary' | 'saliency' | 'loss';
export type StudyRoute = { kind: 'study'; studies: string[]; page: Page; label?: string; series?: string[] };
export type Route = { kind: 'home' } | { kind: 'kernels' } | { kind: 'train' } | StudyRoute;

export const PAGES: Page[] = ['overview', 'curves', 'summary', 'saliency', 'loss'];

const decode = (p: string) => { try { return decodeURIComponent(p); } catch { return p; } };

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/');
  if (parts[0] === 'kernels') return { kind: 'kernels' };
  if (parts[0] === 'train') return { kind: 'train' };
  if (parts[0] === 's' && parts.length >= 2) {
    const page = PAGES.includes(parts[2] as Page) ? (parts[2] as Page) : 'overview';
    const series = new URLSearchParams(query).get('series')?.split(',').filter(Boolean);
    return { kind: 'study', studies: parts[1].split(',').map(decode), page, label: page === 'loss' && parts[3] ? decode(parts[3]) : undefined, ...(series?.length ? { series } : {}) };
  }
  return { kind: 'home' };
}

export function routeHash(r: Route): string {
  if (r.kind === 'home') return '#/';
  if (r.kind === 'kernels') return '#/kernels';
  if (r.kind === 'train') return '#/train';
  const query = r.series?.length ? `?series=${r.series.map(encodeURIComponent).join(',')}` : '';
  return `#/s/${r.studies.map(encodeURIComponent).join(',')}/${r.page}${r.label ? `/${encodeURIComponent(r.label)}` : ''}${query}`;
}

export const studyKey = (r: StudyRoute): string => r.studies.join('\n');

/** The page's name for the document title and its heading. */
export function pageTitle(r: Route): string {
  if (r.kind === 'home') return 'Studies';
  if (r.kind === 'kernels') return 'Kernel check';
  if (r.kind === 'train') return 'Train';
  return r.page === 'loss' ? `Loss ${r.label ?? ''}` : r.page[0].toUpperCase() + r.page.slice(1);
}
