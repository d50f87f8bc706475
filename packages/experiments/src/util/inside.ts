/**
 * Paths read from a results folder (study.json names its runs' files) must stay inside it: a
 * study folder is data that may come from anyone, and `../victim/…` or `/etc/passwd` in it must
 * never be read or written. Checked twice: the name itself (relative, no `..`), then where it
 * really leads (links followed).
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UsageError } from './errors.ts';

/** A relative path with no `..`, `.` or empty segment, no backslash and no NUL byte. */
export function isInsidePath(p: string): boolean {
  if (!p || isAbsolute(p) || /[\\\0]/.test(p) || /^[a-zA-Z]:/.test(p)) return false;
  return p.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

const within = (root: string, p: string) => {
  const r = relative(root, p);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r) && !r.startsWith(`..${sep}`));
};

/** `dir`/`rel` once it is sure to lie inside `dir` (links resolved where they exist); UsageError otherwise. */
export async function resolveInside(dir: string, rel: string, what = 'study.json'): Promise<string> {
  const path = join(dir, rel);
  if (!isInsidePath(rel) || !within(resolve(dir), resolve(path))) throw new UsageError(`${what} names ${JSON.stringify(rel)}, which is not inside ${dir}`);
  const real = await realpath(path).catch(() => null);
  if (real !== null) {
    const root = await realpath(dir);
    if (!within(root, real)) throw new UsageError(`${what} names ${JSON.stringify(rel)}, which leads outside ${dir} (a link)`);
  }
  return path;
}
