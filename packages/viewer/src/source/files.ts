/** Results from a folder the user picked (<input webkitdirectory>) or dropped on the page. */
import { studyFolders, type ReadResult, type ResultsSource } from './source.ts';

export function filesSource(files: Map<string, File>, name: string): ResultsSource {
  return {
    description: `folder “${name}” (opened from disk; reopen it to see new epochs)`,
    live: false,
    async read(path: string): Promise<ReadResult> {
      const f = files.get(path);
      if (!f) return { status: 'missing' };
      try {
        return { status: 'ok', text: await f.text() };
      } catch (e) {
        return { status: 'error', message: (e as Error).message };
      }
    },
    async listStudies() {
      return studyFolders(files.keys());
    },
  };
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
