/** Hash routes: #/ (studies), #/kernels, #/s/<study>/<page>[/<loss label>]. */
export type Page = 'overview' | 'curves' | 'summary' | 'saliency' | 'loss';
export type Route = { kind: 'home' } | { kind: 'kernels' } | { kind: 'study'; study: string; page: Page; label?: string };

const PAGES: Page[] = ['overview', 'curves', 'summary', 'saliency', 'loss'];

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map((p) => { try { return decodeURIComponent(p); } catch { return p; } });
  if (parts[0] === 'kernels') return { kind: 'kernels' };
  if (parts[0] === 's' && parts.length >= 2) {
    const page = PAGES.includes(parts[2] as Page) ? (parts[2] as Page) : 'overview';
    return { kind: 'study', study: parts[1], page, label: page === 'loss' ? parts[3] : undefined };
  }
  return { kind: 'home' };
}

export function routeHash(r: Route): string {
  if (r.kind === 'home') return '#/';
  if (r.kind === 'kernels') return '#/kernels';
  return `#/s/${encodeURIComponent(r.study)}/${r.page}${r.label ? `/${encodeURIComponent(r.label)}` : ''}`;
}
