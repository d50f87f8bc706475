/** Finds study folders (holding study.json) below the results root, without following links out. */
import { readdir, realpath, stat } from 'node:fs/promises';
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

/**
 * Regular files below `root/segments` (a study folder), by path relative to it, with size and
 * modification time; links that leave the root are left out. null when the folder is not there.
 */
export async function listFiles(root: string, segments: readonly string[], maxDepth = 3): Promise<Record<string, { size: number; mtimeMs: number }> | null> {
  const top = await realpath(join(root, ...segments)).catch(() => null);
  if (!top || !isInside(root, top)) return null;
  const out: Record<string, { size: number; mtimeMs: number }> = {};
  async function visit(dir: string, prefix: string, depth: number): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const real = await realpath(join(dir, e.name)).catch(() => null);
      if (!real || !isInside(root, real)) continue;
      const st = await stat(real).catch(() => null);
      if (st?.isFile()) out[prefix + e.name] = { size: st.size, mtimeMs: st.mtimeMs };
      else if (st?.isDirectory() && depth < maxDepth) await visit(real, `${prefix}${e.name}/`, depth + 1);
    }
  }
  const st = await stat(top).catch(() => null);
  if (!st?.isDirectory()) return null;
  await visit(top, '', 0);
  return out;
}
