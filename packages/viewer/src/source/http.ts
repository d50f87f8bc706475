/**
 * Results served by `losslab view` under ./results/, with the study list at ./api/studies and a
 * study's files at ./api/files: only files that exist are requested, and a file whose size and
 * time have not changed since the last poll is answered from memory.
 */
import type { FileList, ReadResult, ResultsSource } from './source.ts';

const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

export function httpSource(base = './'): ResultsSource {
  const cache = new Map<string, { stamp: string; text: string }>();
  let studyList: Promise<{ studies: string[]; open?: string[] }> | null = null;
  const fetchStudies = async () => {
    const res = await fetch(`${base}api/studies`, { cache: 'no-store' });
    if (!res.ok) throw new Error(`study list: HTTP ${res.status}`);
    return (await res.json()) as { studies: string[]; open?: string[] };
  };
  return {
    description: 'served by losslab view',
    live: true,
    async read(path: string, stamp?: string): Promise<ReadResult> {
      const hit = cache.get(path);
      if (stamp && hit?.stamp === stamp) return { status: 'ok', text: hit.text };
      try {
        const res = await fetch(`${base}results/${encodePath(path)}`, { cache: 'no-store' });
        if (res.status === 404) return { status: 'missing' };
        if (!res.ok) return { status: 'error', message: `HTTP ${res.status} ${res.statusText}` };
        const text = await res.text();
        if (stamp) cache.set(path, { stamp, text });
        return { status: 'ok', text };
      } catch (e) {
        return { status: 'error', message: `the viewer server did not answer (${(e as Error).message}); is losslab view still running?` };
      }
    },
    async listStudies() {
      studyList = fetchStudies();
      return (await studyList).studies;
    },
    async listFiles(study: string): Promise<FileList | null> {
      const res = await fetch(`${base}api/files?study=${encodeURIComponent(study)}`, { cache: 'no-store' });
      if (res.status === 404) return {};
      if (!res.ok) return null;
      const { files } = (await res.json()) as { files: Record<string, { size: number; mtimeMs: number }> };
      return Object.fromEntries(Object.entries(files).map(([k, v]) => [k, `${v.size}:${v.mtimeMs}`]));
    },
    async openAtStart() {
      return (await (studyList ?? (studyList = fetchStudies()))).open ?? null;
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
