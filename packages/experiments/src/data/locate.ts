/**
 * Where the data set comes from, in order: --data-dir, $CIFAR10_DIR, the cache
 * ($LOSSLAB_CACHE or ~/.cache/losslab, folder cifar-10-batches-bin), else a download into the cache.
 * A folder given explicitly (flag or variable) must hold the data: it is never downloaded into.
 */
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DataError } from './errors.ts';
import { downloadCifar10, type DownloadOptions } from './download.ts';
import { FOLDER_NAME, META_FILE, OFFICIAL, TEST_FILE, TRAIN_FILES, type LayoutSpec } from './layout.ts';
import { hasLayout, missingFiles, readCifarDir } from './read.ts';
import type { Dataset, LoadOptions as DatasetLoadOptions } from './dataset.ts';

export interface LoadOptions extends DownloadOptions, DatasetLoadOptions {
  spec?: LayoutSpec;
}

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOSSLAB_CACHE || join(homedir(), '.cache', 'losslab');
}

/** The folder itself or its cifar-10-batches-bin child, whichever has the layout. */
async function explicitFolder(dir: string, source: string): Promise<string> {
  for (const d of [dir, join(dir, FOLDER_NAME)]) if (await hasLayout(d)) return d;
  const all = [...TRAIN_FILES, TEST_FILE, META_FILE];
  const missing = await missingFiles(dir);
  const found = missing.length === all.length ? 'none of them' : `${missing.join(', ')} missing`;
  throw new DataError(dir, `the CIFAR-10 binary files (${all.join(', ')}) as given by ${source}`, found);
}

/** Finds (or downloads) the data folder. */
export async function locateCifar10(opts: LoadOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  if (opts.dataDir) return explicitFolder(opts.dataDir, '--data-dir');
  if (env.CIFAR10_DIR) return explicitFolder(env.CIFAR10_DIR, 'CIFAR10_DIR');
  const root = cacheRoot(env);
  const cached = join(root, FOLDER_NAME);
  if (await hasLayout(cached)) return cached;
  if (opts.offline) throw new DataError(cached, 'the CIFAR-10 binary files', 'no data set (and downloads are off)');
  return downloadCifar10(root, opts);
}

/** Locates, reads and validates CIFAR-10. */
export async function loadCifar10(opts: LoadOptions = {}): Promise<Dataset> {
  return readCifarDir(await locateCifar10(opts), opts.spec ?? OFFICIAL);
}

/** Where a data set's folder is looked for (locateDataFolder). */
export interface FolderSearch {
  /** 'Fashion-MNIST', for errors. */
  title: string;
  /** Its usual folder name (in the cache, or under --data-dir). */
  folder: string;
  /** Files the folder must hold (alternatives with '|', e.g. 'a.gz|a'). */
  files: string[];
  /** The environment variable that points at it, e.g. FASHION_MNIST_DIR. */
  envVar: string;
  /** Folders the system installs it in (e.g. Debian's package), searched after the variable. */
  systemDirs?: string[];
  /** Fetches it into the cache root when it is nowhere (absent: no download). */
  download?: (cacheRoot: string) => Promise<string>;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/** The files of `s.files` that `dir` lacks (the first alternative named). */
async function lacking(dir: string, s: FolderSearch): Promise<string[]> {
  const out: string[] = [];
  for (const f of s.files) {
    const alts = f.split('|');
    const found = await Promise.all(alts.map((a) => isFile(join(dir, a))));
    if (!found.some(Boolean)) out.push(alts[0]);
  }
  return out;
}

/**
 * The folder holding `s.files`: --data-dir (itself or its `s.folder` child), else $envVar, else the
 * system folders, else the cache (`s.folder` under $LOSSLAB_CACHE or ~/.cache/losslab), else a
 * download when there is one. A folder given explicitly must hold the data.
 */
export async function locateDataFolder(s: FolderSearch, o: DatasetLoadOptions = {}): Promise<string> {
  const env = o.env ?? process.env;
  const explicit = async (dir: string, source: string) => {
    for (const d of [dir, join(dir, s.folder)]) if (!(await lacking(d, s)).length) return d;
    const missing = await lacking(dir, s);
    throw new DataError(dir, `the ${s.title} files (${s.files.map((f) => f.split('|')[0]).join(', ')}) as given by ${source}`,
      missing.length === s.files.length ? 'none of them' : `${missing.join(', ')} missing`);
  };
  if (o.dataDir) return explicit(o.dataDir, '--data-dir');
  if (env[s.envVar]) return explicit(env[s.envVar]!, s.envVar);
  const root = cacheRoot(env);
  const candidates = [...(s.systemDirs ?? []), join(root, s.folder)];
  for (const d of candidates) if (!(await lacking(d, s)).length) return d;
  if (s.download && !o.offline) return s.download(root);
  throw new DataError(candidates.join(' or '), `the ${s.title} files`,
    `no data set there${s.download ? ' (and downloads are off)' : ''}; point --data-dir or ${s.envVar} at a folder holding ${s.files.map((f) => f.split('|')[0]).join(', ')}`);
}
