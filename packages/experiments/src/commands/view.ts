/** `losslab view [RESULTS_DIR]`: serves the viewer and the results folder (read-only) on 127.0.0.1. */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { startViewer } from '@losslab/viewer/server';
import { reportError } from './errors.ts';
import { UsageError } from '../util/errors.ts';

/** The built viewer: beside this bundle in the repository (packages/viewer/dist), or LOSSLAB_VIEWER_DIST. */
function appDir(): string {
  return process.env.LOSSLAB_VIEWER_DIST ?? fileURLToPath(new URL('../../viewer/dist', import.meta.url));
}

export function registerView(program: Command, setExit: (code: number) => void): void {
  program
    .command('view')
    .description('open the results viewer: serves the app and RESULTS_DIR read-only on 127.0.0.1')
    .argument('[resultsDir]', 'results folder (one study or a folder of studies)', 'results')
    .option('--port <n>', 'port (default 5178, or a free one)')
    .action(async (dir: string, o: { port?: string }) => {
      try {
        const port = o.port === undefined ? undefined : Number(o.port);
        if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new UsageError(`--port must be 1–65535, got ${o.port}`);
        const v = await startViewer({ resultsDir: resolve(dir), appDir: appDir(), port }).catch((e: Error) => {
          throw new UsageError(e.message);
        });
        console.log(`LossLab viewer: ${v.url}  (serving ${resolve(dir)}; Ctrl-C to stop)`);
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
