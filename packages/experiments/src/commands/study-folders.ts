/** Checks that every folder given to plot / report holds a study.json, before any work. */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../util/errors.ts';

export async function requireStudyFolders(dirs: readonly string[]): Promise<void> {
  for (const d of dirs) {
    if (!(await stat(join(d, 'study.json')).then(() => true, () => false))) throw new UsageError(`${d} holds no study.json (not a study folder)`);
  }
}
