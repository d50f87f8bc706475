/**
 * Checks a results folder before any work (data loading, device): it is a folder, or can be
 * created, and this process can write in it. Creates it level by level (never `mkdir -p`, which
 * loops forever under /proc).
 */
import { mkdir, open, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { tempPathFor } from './atomic.ts';
import { UsageError } from './errors.ts';

async function kind(p: string): Promise<'dir' | 'other' | 'missing'> {
  try {
    return (await stat(p)).isDirectory() ? 'dir' : 'other';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing'; // ENOTDIR: a file above it, found further up
    throw new UsageError(`${p}: cannot be read (${code})`);
  }
}

/** Creates `dir` if needed and proves it writable; UsageError (one line, naming `what`) otherwise. Returns the folders it created (outermost first). */
export async function ensureWritableDir(dir: string, what = '--out'): Promise<string[]> {
  const abs = resolve(dir);
  const missing: string[] = [];
  let p = abs;
  for (;;) {
    const k = await kind(p);
    if (k === 'dir') break;
    if (k === 'other') throw new UsageError(`${what} ${dir}: ${p === abs ? 'is' : `${p} is`} a file, not a folder`);
    missing.unshift(p);
    if (dirname(p) === p) break;
    p = dirname(p);
  }
  for (const m of missing) {
    await mkdir(m).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw new UsageError(`${what} ${dir}: cannot create ${m} (${e.code})`);
    });
  }
  const probe = tempPathFor(`${abs}/write-check`);
  try {
    await (await open(probe, 'wx')).close();
  } catch (e) {
    throw new UsageError(`${what} ${dir}: cannot write there (${(e as NodeJS.ErrnoException).code})`);
  }
  await rm(probe, { force: true });
  return missing;
}

/** Removes folders ensureWritableDir created that are still empty (a command that failed before writing leaves nothing behind). */
export async function removeIfEmpty(created: readonly string[]): Promise<void> {
  for (const d of [...created].reverse()) await rmdir(d).catch(() => undefined);
}

/** Checks, before any work, that `file` can be written (atomically: a temporary file beside it, then a rename). */
export async function ensureWritableFile(file: string, what = '--out'): Promise<void> {
  if (file === '') throw new UsageError(`${what} needs a file name`);
  const k = await kind(resolve(file));
  if (k === 'dir') throw new UsageError(`${what} ${file}: is a folder, not a file`);
  await ensureWritableDir(dirname(resolve(file)), `${what} ${file}: its folder`);
}
