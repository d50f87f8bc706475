/** Results served by `losslab view` under ./results/, with the study list at ./api/studies. */
import type { ReadResult, ResultsSource } from './source.ts';

const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

export function httpSource(base = './'): ResultsSource {
  return {
    description: 'served by losslab view',
    live: true,
    async read(path: string): Promise<ReadResult> {
      try {
        const res = await fetch(`${base}results/${encodePath(path)}`, { cache: 'no-store' });
        if (res.status === 404) return { status: 'missing' };
        if (!res.ok) return { status: 'error', message: `HTTP ${res.status} ${res.statusText}` };
        return { status: 'ok', text: await res.text() };
      } catch (e) {
        return { status: 'error', message: `the viewer server did not answer (${(e as Error).message}); is losslab view still running?` };
      }
    },
    async listStudies() {
      const res = await fetch(`${base}api/studies`, { cache: 'no-store' });
      if (!res.ok) throw new Error(`study list: HTTP ${res.status}`);
      return ((await res.json()) as { studies: string[] }).studies;
    },
  };
}

/** true when the page is served by the viewer server (it answers ./api/studies with JSON). */
export async function serverAvailable(base = './'): Promise<boolean> {
  if (location.protocol === 'file:') return false;
  try {
    const res = await fetch(`${base}api/studies`, { cache: 'no-store' });
    return res.ok && (res.headers.get('content-type') ?? '').includes('application/json');
  } catch {
    return false;
  }
}
