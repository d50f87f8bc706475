/** Loads study folders from disk as the viewer does: one study, or several merged / grouped (see data/merge.ts). */
import { basename, resolve } from 'node:path';
import { mergeStudies, type Comparison } from '../data/merge.ts';
import type { StudyData } from '../data/model.ts';
import { loadStudy } from '../source/load.ts';
import { fsSource } from './fs-source.ts';

export interface LoadedFolders {
  data: StudyData;
  comparison?: Comparison;
}

/** A study folder that cannot be read is an error naming the file and why. */
export async function loadFolders(dirs: readonly string[]): Promise<LoadedFolders> {
  const parts: StudyData[] = [];
  for (const dir of dirs) {
    const outcome = await loadStudy(await fsSource(resolve(dir)), '');
    if (!outcome.ok) throw new Error(`${dir}: ${outcome.message.replace(/^study\.json/, 'study.json')}`);
    parts.push({ ...outcome.data, path: basename(resolve(dir)) });
  }
  if (parts.length === 1) return { data: parts[0] };
  const merged = mergeStudies(parts);
  return { data: merged, comparison: merged.comparison };
}
