/** `losslab summary DIR...`: merges study folders into summary.json and summary.md. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { writeSummary } from '../study/index.ts';
import { requireStudyFolders } from './study-folders.ts';
import { reportError } from './errors.ts';
import { ensureWritableDir } from '../util/out-dir.ts';
import { renderSummaryMd } from '../study/summary-md.ts';

export async function summaryCommand(dirs: string[], o: { out?: string; quiet?: boolean }): Promise<number> {
  try {
    await requireStudyFolders(dirs);
    const out = o.out ?? dirs[0];
    await ensureWritableDir(out);
    const s = await writeSummary(dirs, out);
    if (!o.quiet) process.stdout.write(renderSummaryMd(s) + '\n');
    process.stderr.write(`wrote ${join(out, 'summary.json')} and ${join(out, 'summary.md')}\n`);
    return 0;
  } catch (e) {
    return reportError('summary', e);
  }
}

export function registerSummary(program: Command, setExit: (code: number) => void): void {
  program
    .command('summary')
    .description('merge study folders (e.g. the shards of a grid) into summary.json and summary.md')
    .argument('<dirs...>', 'study folders')
    .option('--out <dir>', 'where to write the summary (default: the first folder)')
    .option('--quiet', 'do not print summary.md')
    .action(async (dirs: string[], o: { out?: string; quiet?: boolean }) => setExit(await summaryCommand(dirs, o)));
}
