/**
 * Data sets from `losslab view`'s server (the files it found in the data cache, read-only at
 * /datasets/<name>/): which it has, and each one read into the page with the same checks as a
 * picked file. Without the server (a static host, file://) there are none: the page asks for a file.
 */
import type { DatasetList } from '../../server/index.ts';
import { cifar10FromFiles, fashionMnistFromFiles, type BrowserDatasetName, type Dataset } from './datasets.ts';

/** The data sets the server offers, by name; empty when there is no server. */
export async function servedDatasets(base = ''): Promise<Set<string>> {
  try {
    const r = await fetch(`${base}/api/datasets`, { cache: 'no-store' });
    if (!r.ok) return new Set();
    const list = (await r.json()) as DatasetList;
    return new Set(list.datasets.filter((d) => d.files.length > 0).map((d) => d.name));
  } catch {
    return new Set();
  }
}

/** Reads a served data set; `onFile` tells which file is being fetched. */
export async function fetchServedDataset(name: BrowserDatasetName, base = '', onFile?: (file: string, i: number, n: number) => void): Promise<Dataset> {
  const list = (await (await fetch(`${base}/api/datasets`, { cache: 'no-store' })).json()) as DatasetList;
  const files = list.datasets.find((d) => d.name === name)?.files ?? [];
  const blobs = new Map<string, Blob>();
  for (const [i, f] of files.entries()) {
    onFile?.(f.name, i, files.length);
    const r = await fetch(`${base}/datasets/${encodeURIComponent(name)}/${encodeURIComponent(f.name)}`);
    if (!r.ok) throw new Error(`the server could not send ${name}/${f.name} (${r.status})`);
    blobs.set(f.name, await r.blob());
  }
  const where = (f: string) => `server data set ${name}: ${f}`;
  if (name === 'cifar10') {
    const bytes = new Map<string, Uint8Array>();
    for (const [f, b] of blobs) bytes.set(f, new Uint8Array(await b.arrayBuffer()));
    return cifar10FromFiles((f) => bytes.get(f), where, undefined, `the server's ${name}`);
  }
  return fashionMnistFromFiles(blobs, undefined, `the server's ${name}`);
}
