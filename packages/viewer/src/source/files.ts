/**
 * Results from a folder the user picked (<input webkitdirectory>) or dropped on the page: read
 * into memory at once and kept in the browser (IndexedDB), so a reload shows the same folder.
 */
import { memorySource, type ResultsSource } from './source.ts';

/** Files the viewer never reads (resume state) and anything too large to keep. */
const skip = (path: string, size: number) => path.endsWith('.bin') || size > 64 * 1024 * 1024;

export async function readAll(files: Map<string, File>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [path, f] of files) if (!skip(path, f.size)) out.set(path, await f.text());
  return out;
}

export const pickedDescription = (name: string, restored = false): string =>
  `folder “${name}” (opened from disk${restored ? ', kept from your last visit' : ''}; pick it again to see new epochs)`;

export function pickedSource(texts: Map<string, string>, name: string, restored = false): ResultsSource {
  return memorySource(texts, pickedDescription(name, restored));
}

/** Paths relative to the picked folder: webkitRelativePath without its first segment. */
export function fromFileList(list: FileList): { files: Map<string, File>; name: string } {
  const files = new Map<string, File>();
  let name = '';
  for (const f of Array.from(list)) {
    const rel = f.webkitRelativePath || f.name;
    const [top, ...rest] = rel.split('/');
    name ||= top;
    files.set(rest.length ? rest.join('/') : rel, f);
  }
  return { files, name };
}

function readEntries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  return new Promise((resolve, reject) => {
    const next = () => reader.readEntries((batch) => (batch.length ? (all.push(...batch), next()) : resolve(all)), reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, prefix: string, out: Map<string, File>): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
    out.set(prefix + entry.name, file);
  } else if (entry.isDirectory) {
    for (const child of await readEntries(entry as FileSystemDirectoryEntry)) await walk(child, `${prefix}${entry.name}/`, out);
  }
}

/** A dropped folder (or files): paths relative to the dropped folder. */
export async function fromDrop(items: DataTransferItemList): Promise<{ files: Map<string, File>; name: string }> {
  const entries = Array.from(items).map((i) => i.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  const files = new Map<string, File>();
  if (entries.length === 1 && entries[0].isDirectory) {
    for (const child of await readEntries(entries[0] as FileSystemDirectoryEntry)) await walk(child, '', files);
    return { files, name: entries[0].name };
  }
  for (const e of entries) await walk(e, '', files);
  return { files, name: 'dropped files' };
}

const DB = 'losslab-viewer';
const STORE = 'picked';

function db(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Keeps the picked folder for the next visit (best effort: storage may be full or off). */
export async function keepPicked(name: string, texts: Map<string, string>): Promise<void> {
  try {
    const d = await db();
    await new Promise<void>((resolve, reject) => {
      const tx = d.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).put({ name, files: [...texts] }, 'last');
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    d.close();
  } catch {
    // Not kept: the page still works; a reload asks for the folder again.
  }
}

export async function restorePicked(): Promise<{ name: string; texts: Map<string, string> } | null> {
  try {
    const d = await db();
    const v = await new Promise<{ name: string; files: [string, string][] } | undefined>((resolve, reject) => {
      const req = d.transaction(STORE, 'readonly').objectStore(STORE).get('last');
      req.onsuccess = () => resolve(req.result as { name: string; files: [string, string][] } | undefined);
      req.onerror = () => reject(req.error);
    });
    d.close();
    return v ? { name: v.name, texts: new Map(v.files) } : null;
  } catch {
    return null;
  }
}
