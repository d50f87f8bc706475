/** Checks that every folder given to plot / report / summary holds a valid study.json (study/schema.ts), before any work. */
import { readStudy } from '../study/study-file.ts';
import { UsageError } from '../util/errors.ts';

export async function requireStudyFolders(dirs: readonly string[]): Promise<void> {
  for (const d of dirs) {
    if (!(await readStudy(d))) throw new UsageError(`${d} holds no study.json (not a study folder)`);
  }
}
