/** Where results come from: the viewer server (live), files the user picked or dropped, or a report's embedded files (snapshots). */
export type ReadResult = { status: 'ok'; text: string } | { status: 'missing' } | { status: 'error'; message: string };

/** A study's files by path relative to the study folder, each with a stamp that changes when the file does. */
export type FileList = Record<string, string>;

export interface ResultsSource {
  /** Shown in the page header. */
  description: string;
  /** true when files can change under us (polling makes sense). */
  live: boolean;
  /** Reads a file by its path relative to the results root ('a/b/study.json'); `stamp` lets a source answer from its cache. */
  read(path: string, stamp?: string): Promise<ReadResult>;
  /** Study folders (relative to the root, '' for the root itself), sorted. */
  listStudies(): Promise<string[]>;
  /** The files of a study folder, when the source can tell without reading them (null: unknown, read and see). */
  listFiles?(study: string): Promise<FileList | null>;
  /** Studies to open together at start (`losslab view A B C`). */
  openAtStart?(): Promise<string[] | null>;
  /** The page those open on (a report: the summary); default the overview. */
  startPage?: 'overview' | 'curves' | 'summary';
}

export const joinPath = (...parts: string[]): string => parts.filter(Boolean).join('/').replace(/\/+/g, '/');

/** Folders holding a study.json, from a list of file paths. */
export function studyFolders(paths: Iterable<string>): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (p === 'study.json') out.push('');
    else if (p.endsWith('/study.json')) out.push(p.slice(0, -'/study.json'.length));
  }
  return out.sort();
}

/** The files below `study` among `paths`, relative to it. */
export function filesBelow(paths: Iterable<string>, study: string, stamp: (p: string) => string = () => ''): FileList {
  const prefix = study ? `${study}/` : '';
  const out: FileList = {};
  for (const p of paths) if (p.startsWith(prefix)) out[p.slice(prefix.length)] = stamp(p);
  return out;
}

/** Results held in memory: a picked folder read at once (and kept for a reload), or a report's embedded files. */
export function memorySource(files: ReadonlyMap<string, string>, description: string, open: string[] | null = null): ResultsSource {
  return {
    description,
    live: false,
    async read(path) {
      const text = files.get(path);
      return text === undefined ? { status: 'missing' } : { status: 'ok', text };
    },
    async listStudies() {
      return studyFolders(files.keys());
    },
    async listFiles(study) {
      return filesBelow(files.keys(), study);
    },
    async openAtStart() {
      return open;
    },
  };
}
