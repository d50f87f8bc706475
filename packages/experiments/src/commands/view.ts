/** `losslab view [RESULTS_DIR]`: serves the viewer and the results folder (read-only) on 127.0.0.1. */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { startViewer, type ServedDataset } from '@losslab/viewer/server';
import { locateCifar10, locateDataFolder } from '../data/index.ts';
import { META_FILE, TEST_FILE, TRAIN_FILES } from '../data/layout.ts';
import { FASHION_MNIST_SEARCH } from '../data/datasets/fashion-mnist.ts';
import { FASHION_MNIST_FILES } from '../data/datasets/fashion-mnist-layout.ts';
import { reportError } from './errors.ts';
import { UsageError } from '../util/errors.ts';

/** The built viewer: LOSSLAB_VIEWER_DIST, else the installed @losslab/viewer's dist, else beside this bundle in the repository. */
export function appDir(): string {
  if (process.env.LOSSLAB_VIEWER_DIST) return process.env.LOSSLAB_VIEWER_DIST;
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@losslab/viewer/package.json')), 'dist');
  } catch {
    return fileURLToPath(new URL('../../viewer/dist', import.meta.url));
  }
}

/**
 * The data sets found where `losslab run` would find them without downloading ($CIFAR10_DIR,
 * $FASHION_MNIST_DIR, the system folder, the cache): served read-only for the Train page, only
 * their own files.
 */
export async function servedDatasets(env: NodeJS.ProcessEnv = process.env): Promise<ServedDataset[]> {
  const out: ServedDataset[] = [];
  const found = (p: Promise<string>) => p.catch(() => null);
  const cifar = await found(locateCifar10({ env, offline: true }));
  if (cifar) out.push({ name: 'cifar10', dir: cifar, files: [...TRAIN_FILES, TEST_FILE, META_FILE] });
  const fashion = await found(locateDataFolder(FASHION_MNIST_SEARCH, { env, offline: true }));
  if (fashion) out.push({ name: 'fashion-mnist', dir: fashion, files: Object.values(FASHION_MNIST_FILES).flatMap((f) => [`${f}.gz`, f]) });
  return out;
}

export function registerView(program: Command, setExit: (code: number) => void): void {
  program
    .command('view')
    .description('open the results viewer: serves the app and the results folder(s) read-only on 127.0.0.1; several folders open together (merged, or compared side by side)')
    .argument('[resultsDirs...]', 'results folder (one study or a folder of studies), or several study folders', ['results'])
    .option('--port <n>', 'port (default 5178, or a free one)')
    .action(async (dirs: string[], o: { port?: string }) => {
      try {
        const port = o.port === undefined ? undefined : Number(o.port);
        if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new UsageError(`--port must be 1–65535, got ${o.port}`);
        // A folder this process cannot list would be served as empty: refuse it instead.
        for (const d of dirs) {
          await readdir(resolve(d)).catch((e: NodeJS.ErrnoException) => {
            if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return; // made, or refused, by the viewer
            throw new UsageError(`${d}: cannot be read (${e.code ?? e.message})`);
          });
        }
        const missing = dirs.filter((d) => !existsSync(d));
        // A folder a study is about to write to: made now, and the page shows the study once it starts.
        const data = await servedDatasets();
        const v = await startViewer({ resultsDir: dirs.length === 1 ? resolve(dirs[0]) : dirs.map((d) => resolve(d)), appDir: appDir(), port, create: true, datasets: data }).catch((e: Error) => {
          throw new UsageError(e.message);
        });
        console.log(`LossLab viewer: ${v.url}  (serving ${dirs.map((d) => resolve(d)).join(', ')}; Ctrl-C to stop)`);
        if (data.length) console.log(`data for the Train page: ${data.map((d) => `${d.name} (${d.dir})`).join(', ')}, read-only`);
        if (missing.length) console.log(`made ${missing.join(', ')} (did not exist): the page shows a study there once it starts`);
        await new Promise<void>((done) => {
          const stop = () => void v.close().then(done);
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      } catch (e) {
        setExit(reportError('view', e));
      }
    });
}
