/**
 * Atomic file writes: a temporary file in the same folder, fsync, rename, fsync of the folder
 * (readers never see half a file, and a power cut keeps the rename). A temporary file names its
 * host and process, so one left by a killed process can be recognised and removed.
 */
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

const HOST = hostname().replace(/[^\w.-]/g, '_');
/** Temporary files (tmp) and lease folders being created (new) or removed (gone): see lock.ts. */
export type TempKind = 'tmp' | 'new' | 'gone';
const TEMP = /^\..+\.(?:tmp|new|gone)-(.+)-(\d+)-[0-9a-f]{8}$/;

/** A hidden temporary name beside `path`, unique per process and call, naming this host and process. */
export function tempPathFor(path: string, kind: TempKind = 'tmp'): string {
  return join(dirname(path), `.${basename(path)}.${kind}-${HOST}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Removes temporary files and folders in `dir` left by processes of this host that no longer run; returns their names. */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const stale = names.filter((n) => {
    const m = TEMP.exec(n);
    return !!m && m[1] === HOST && processGone(Number(m[2]));
  });
  await Promise.all(stale.map((n) => rm(join(dir, n), { recursive: true, force: true })));
  return stale;
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r').catch(() => null);
  if (!fh) return;
  try {
    await fh.sync().catch(() => undefined); // some filesystems refuse fsync on folders
  } finally {
    await fh.close();
  }
}

/** `createDir: false` fails (ENOENT) instead of creating a missing folder (lease heartbeats). */
export async function writeFileAtomic(path: string, data: string | Uint8Array, opts: { createDir?: boolean } = {}): Promise<void> {
  if (opts.createDir !== false) await mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    // A failed write (ENOSPC, EIO) carries no path: name the file it was for.
    const err = e as NodeJS.ErrnoException;
    if (err.code && (!err.path || err.path === tmp)) err.path = path;
    throw e;
  }
  await syncDir(dirname(path));
}

/** `indent` 0 writes one line (large arrays: saliency maps). */
export function writeJsonAtomic(path: string, value: unknown, indent = 2): Promise<void> {
  return writeFileAtomic(path, JSON.stringify(value, jsonReplacer, indent || undefined) + '\n');
}

/** JSON has no NaN/Infinity: write them as null (the CSV keeps the `nan`). */
function jsonReplacer(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}
