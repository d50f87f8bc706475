/** Where results come from: the viewer server (live) or files the user picked or dropped (a snapshot). */
export type ReadResult = { status: 'ok'; text: string } | { status: 'missing' } | { status: 'error'; message: string };

export interface ResultsSource {
  /** Shown in the page header. */
  description: string;
  /** true when files can change under us (polling makes sense). */
  live: boolean;
  /** Reads a file by its path relative to the results root ('a/b/study.json'). */
  read(path: string): Promise<ReadResult>;
  /** Study folders (relative to the root, '' for the root itself), sorted. */
  listStudies(): Promise<string[]>;
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
