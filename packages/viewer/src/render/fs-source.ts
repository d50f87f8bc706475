/** A results folder on disk as a ResultsSource (for `losslab plot` and `losslab report`). */
import { readFile, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { filesBelow, studyFolders, type ResultsSource } from '../source/source.ts';

/** Every file below `root` (relative paths with '/'), not following links, skipping dot-folders and node_modules. */
export async function listTree(root: string, maxDepth = 4): Promise<string[]> {
  const out: string[] = [];
  async function visit(dir: string, depth: number): Promise<void> {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = join(dir, e.name);
      if (e.isFile()) out.push(relative(root, p).split(sep).join('/'));
      else if (e.isDirectory() && depth < maxDepth) await visit(p, depth + 1);
    }
  }
  await visit(root, 0);
  return out.sort();
}

export async function fsSource(root: string): Promise<ResultsSource> {
  const files = await listTree(root);
  return {
    description: root,
    live: false,
    async read(path) {
      if (!files.includes(path)) return { status: 'missing' };
      try {
        return { status: 'ok', text: await readFile(join(root, ...path.split('/')), 'utf8') };
      } catch (e) {
        return { status: 'error', message: (e as Error).message };
      }
    },
    async listStudies() {
      return studyFolders(files);
    },
    async listFiles(study) {
      return filesBelow(files, study);
    },
  };
}
