/**
 * Downloads a data set's archive (CIFAR-10's, CIFAR-100's), checks its md5 and extracts it into the
 * cache atomically: archive and extraction live under temporary names in the cache folder and only
 * a complete, validated folder (e.g. `cifar-10-batches-bin/`) is renamed into place. On any failure
 * they are removed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { DataError } from './errors.ts';
import { DOWNLOAD_MD5, DOWNLOAD_URL, FOLDER_NAME, OFFICIAL, type LayoutSpec } from './layout.ts';
import { readCifarDir } from './read.ts';

export interface DownloadProgress {
  received: number;
  /** From Content-Length; null when the server does not say. */
  total: number | null;
}

export interface DownloadOptions {
  url?: string;
  md5?: string;
  onProgress?: (p: DownloadProgress) => void;
  /** Layout to validate the extraction against (smaller in tests). */
  spec?: LayoutSpec;
}

/** An archive holding one data-set folder. */
export interface ArchiveSpec {
  /** What it is, for errors: 'the CIFAR-10 archive'. */
  what: string;
  url: string;
  md5: string;
  /** The folder the archive holds, and the name it gets in the cache. */
  folder: string;
  /** The environment variable that can point at an existing copy, for the no-network hint. */
  envVar: string;
  /** Reads the extracted folder, throwing DataError when it is not valid. */
  validate(dir: string): Promise<unknown>;
  onProgress?: (p: DownloadProgress) => void;
}

/** Downloads `url` to `dest`, returning the md5 of what was received. Gives up after `idleMs` without data. */
export async function downloadTo(url: string, dest: string, onProgress?: (p: DownloadProgress) => void, idleMs = 60_000, what = 'the CIFAR-10 archive', envVar = 'CIFAR10_DIR'): Promise<string> {
  const abort = new AbortController();
  let idle = setTimeout(() => abort.abort(), idleMs);
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => abort.abort(), idleMs);
  };
  try {
    return await fetchInto(url, dest, abort.signal, touch, onProgress, what, envVar);
  } finally {
    clearTimeout(idle);
  }
}

async function fetchInto(url: string, dest: string, signal: AbortSignal, touch: () => void, onProgress: ((p: DownloadProgress) => void) | undefined, what: string, envVar: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { signal });
  } catch (e) {
    const why = String((e as Error).cause ?? (e as Error).message);
    throw new DataError(url, what, `no download (${why}); with no network, point --data-dir or ${envVar} at a folder holding the binary files`, true);
  }
  if (!res.ok || !res.body) throw new DataError(url, what, `HTTP ${res.status} ${res.statusText}`, true);
  const length = Number(res.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  const hash = createHash('md5');
  let received = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      touch();
      hash.update(chunk);
      received += chunk.length;
      onProgress?.({ received, total });
      cb(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), meter, createWriteStream(dest));
  } catch (e) {
    const why = signal.aborted ? 'no data for too long' : ((e as Error).message || String(e));
    throw new DataError(url, total === null ? 'a complete download' : `${total} bytes`, `the transfer broke off after ${received} bytes (${why})`, true);
  }
  if (total !== null && received !== total) {
    throw new DataError(url, `${total} bytes (Content-Length)`, `${received} bytes`, true);
  }
  return hash.digest('hex');
}

/**
 * Makes `<cacheRoot>/cifar-10-batches-bin` exist and be valid, downloading it if needed.
 * Returns the folder.
 */
export async function downloadCifar10(cacheRoot: string, opts: DownloadOptions = {}): Promise<string> {
  return downloadArchive(cacheRoot, {
    what: 'the CIFAR-10 archive', url: opts.url ?? DOWNLOAD_URL, md5: opts.md5 ?? DOWNLOAD_MD5, folder: FOLDER_NAME, envVar: 'CIFAR10_DIR',
    validate: (dir) => readCifarDir(dir, opts.spec ?? OFFICIAL), onProgress: opts.onProgress,
  });
}

/** Makes `<cacheRoot>/<a.folder>` exist and be valid, downloading and extracting the archive if needed. Returns the folder. */
export async function downloadArchive(cacheRoot: string, a: ArchiveSpec): Promise<string> {
  const { url, md5 } = a;
  const target = join(cacheRoot, a.folder);
  await mkdir(cacheRoot, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const archive = join(cacheRoot, `.download-${tag}.tar.gz`);
  const extractDir = join(cacheRoot, `.extract-${tag}`);
  try {
    const got = await downloadTo(url, archive, a.onProgress, undefined, a.what, a.envVar);
    if (got !== md5) throw new DataError(url, `md5 ${md5}`, `md5 ${got} (corrupted or incomplete download)`, true);
    await mkdir(extractDir);
    await tar.x({ file: archive, cwd: extractDir, strict: true });
    const extracted = join(extractDir, a.folder);
    if (!(await stat(extracted).then((s) => s.isDirectory(), () => false))) {
      throw new DataError(url, `an archive holding ${a.folder}/`, 'no such folder in it');
    }
    await a.validate(extracted);
    try {
      await rename(extracted, target);
    } catch (e) {
      // Another process finished first: keep its copy.
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
    }
    return target;
  } finally {
    await rm(archive, { force: true });
    await rm(extractDir, { recursive: true, force: true });
  }
}
