/** `losslab report DIR...`: one self-contained HTML file of the study (the viewer with its data inline) that opens from disk. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../util/errors.ts';
import { reportError } from './errors.ts';
import { requireStudyFolders } from './study-folders.ts';
import { appDir } from './view.ts';

export async function reportCommand(dirs: string[], o: { out?: string; title?: string }): Promise<number> {
  try {
    await requireStudyFolders(dirs);
    const out = o.out ?? join(dirs[0], 'report.html');
    const { writeReport } = await import('@losslab/viewer/render');
    const bytes = await writeReport(appDir(), dirs, out, o.title).catch((e: Error) => { throw new UsageError(e.message); });
    process.stderr.write(`wrote ${out} (${(bytes / 1024 / 1024).toFixed(1)} MB): open it in a browser, no server needed\n`);
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
