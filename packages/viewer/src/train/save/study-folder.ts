/**
 * A study folder made in the page: its files (paths relative to the folder, in the layout of
 * docs/results-format.md, as the training loop writes them) zipped for download with fflate, or
 * written straight into a folder the user picks where the browser has the File System Access API.
 * Either way `losslab summary`, `compare`, `view`, `plot` and `report` read the result unchanged.
 */
import { strToU8, zipSync, type Zippable } from 'fflate';

/** A study folder's files: relative path → bytes or text. */
export type StudyFiles = ReadonlyMap<string, Uint8Array | string>;

const bytesOf = (v: Uint8Array | string): Uint8Array => (typeof v === 'string' ? strToU8(v) : v);

/** Refuses a path that is not a plain relative one inside the folder (no '..', no absolute path, no backslash). */
export function checkedPath(path: string): string[] {
  const parts = path.split('/');
  if (!path || path.startsWith('/') || path.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new Error(`not a path inside a study folder: ${JSON.stringify(path)}`);
  }
  return parts;
}

/** The folder as a zip whose single top folder is `name` (unzipping gives `<name>/study.json`, …). */
export function zipStudy(files: StudyFiles, name: string): Uint8Array {
  const [top] = checkedPath(name);
  const tree: Zippable = {};
  for (const [path, v] of files) {
    const parts = [top, ...checkedPath(path)];
    let dir = tree;
    for (const p of parts.slice(0, -1)) dir = (dir[p] ??= {}) as Zippable;
    // Already-compressed bytes (none today) would gain nothing from deflate; text and floats do.
    dir[parts.at(-1)!] = [bytesOf(v), { level: 6 }];
  }
  return zipSync(tree, { mtime: new Date('2000-01-01T00:00:00Z') });
}

/** True where the browser lets a page write into a folder the user picks (Chromium's File System Access API). */
export const canWriteFolders = (): boolean => typeof (globalThis as { showDirectoryPicker?: unknown }).showDirectoryPicker === 'function';

/** The parts of FileSystemDirectoryHandle this writer uses (a fake one in tests). */
export interface DirectoryHandle {
  getDirectoryHandle(name: string, o?: { create?: boolean }): Promise<DirectoryHandle>;
  getFileHandle(name: string, o?: { create?: boolean }): Promise<{ createWritable(): Promise<{ write(data: Uint8Array): Promise<void>; close(): Promise<void> }> }>;
}

/**
 * Writes the files into `dir` (made under the picked folder: `<picked>/<name>/…`). Each file is
 * written whole: the API writes to a temporary file and swaps it in on close.
 */
export async function writeStudyFolder(picked: DirectoryHandle, name: string, files: StudyFiles): Promise<void> {
  const root = await picked.getDirectoryHandle(checkedPath(name)[0], { create: true });
  for (const [path, v] of files) {
    const parts = checkedPath(path);
    let dir = root;
    for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p, { create: true });
    const w = await (await dir.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
    await w.write(bytesOf(v));
    await w.close();
  }
}

/** Asks the user for a folder to write into; null when they cancel. */
export async function pickFolder(): Promise<DirectoryHandle | null> {
  try {
    return await (globalThis as unknown as { showDirectoryPicker(o: object): Promise<DirectoryHandle> }).showDirectoryPicker({ mode: 'readwrite', id: 'losslab-results' });
  } catch (e) {
    if ((e as DOMException).name === 'AbortError') return null;
    throw e;
  }
}
