/** Checks that every folder given to plot / report / summary holds a valid study.json (study/schema.ts), before any work. */
import { readStudyRuns } from '../study/collect.ts';

/** Each folder's study.json read as every reader reads it: its schema, and its runs' files inside the folder (links followed). */
export async function requireStudyFolders(dirs: readonly string[]): Promise<void> {
  for (const d of dirs) await readStudyRuns(d);
}
