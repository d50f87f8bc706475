/**
 * Where the data set comes from, in order: --data-dir, $CIFAR10_DIR, the cache
 * ($LOSSLAB_CACHE or ~/.cache/losslab, folder cifar-10-batches-bin), else a download into the cache.
 * A folder given explicitly (flag or variable) must hold the data: it is never downloaded into.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DataError } from './errors.ts';
import { downloadCifar10, type DownloadOptions } from './download.ts';
import { FOLDER_NAME, META_FILE, OFFICIAL, TEST_FILE, TRAIN_FILES, type CifarDataset, type LayoutSpec } from './layout.ts';
import { hasLayout, missingFiles, readCifarDir } from './read.ts';

export interface LoadOptions extends DownloadOptions {
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Skip the download (error instead). */
  offline?: boolean;
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
export async function loadCifar10(opts: LoadOptions = {}): Promise<CifarDataset> {
  return readCifarDir(await locateCifar10(opts), opts.spec ?? OFFICIAL);
}
