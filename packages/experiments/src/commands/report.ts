/** `losslab report DIR...`: one self-contained HTML file of the study (the viewer with its data inline) that opens from disk. */
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../util/atomic.ts';
import { ensureWritableFile } from '../util/out-dir.ts';
import { reportError } from './errors.ts';
import { requireStudyFolders } from './study-folders.ts';
import { appDir } from './view.ts';

export async function reportCommand(dirs: string[], o: { out?: string; title?: string }): Promise<number> {
  try {
    await requireStudyFolders(dirs);
    const out = o.out ?? join(dirs[0], 'report.html');
    await ensureWritableFile(out);
    const { reportHtml } = await import('@losslab/viewer/render');
    const app = await readFile(join(appDir(), 'index.html'), 'utf8').catch(() => {
      throw new Error(`viewer app ${appDir()} has no index.html: build it with \`npx turbo run build\``);
    });
    // (the folders were checked above: what fails here is reading them, an I/O error)
    const html = await reportHtml(app, dirs, o.title ?? dirs.map((d) => basename(resolve(d))).join(' + '));
    await writeFileAtomic(out, html); // a full disk leaves the previous report whole (and exits 1)
    process.stderr.write(`wrote ${out} (${(Buffer.byteLength(html) / 1024 / 1024).toFixed(1)} MB): open it in a browser, no server needed\n`);
    return 0;
  } catch (e) {
    return reportError('report', e);
  }
}

export function registerReport(program: Command, setExit: (code: number) => void): void {
  program
    .command('report')
    .description('write one self-contained HTML file of a study (data and charts inline) that opens from disk')
    .argument('<dirs...>', 'study folders (several: merged or compared, as in the viewer)')
    .option('--out <file>', 'the HTML file (default: <first folder>/report.html)')
    .option('--title <text>', 'title of the report (default: the folder names)')
    .action(async (dirs: string[], o: { out?: string; title?: string }) => setExit(await reportCommand(dirs, o)));
}
