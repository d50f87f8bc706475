/** Finds study folders (holding study.json) below the results root, without following links out. */
import { readdir, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { isInside } from './safe-path.ts';

export async function findStudies(root: string, maxDepth = 3): Promise<string[]> {
  const found: string[] = [];
  async function visit(dir: string, depth: number): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    if (entries.some((e) => e.name === 'study.json' && (e.isFile() || e.isSymbolicLink()))) {
      found.push(relative(root, dir).split(sep).join('/'));
    }
    if (depth >= maxDepth) return;
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('.') || e.name === 'node_modules') continue;
      const child = join(dir, e.name);
      const real = await realpath(child).catch(() => null);
      if (real && isInside(root, real)) await visit(child, depth + 1);
    }
  }
  await visit(root, 0);
  return found.sort();
}
