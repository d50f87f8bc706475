/** `losslab plot DIR...`: the study's figures as SVG and PNG, drawn by the viewer's chart code without a browser. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../util/errors.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { ensureWritableDir } from '../util/out-dir.ts';
import { reportError } from './errors.ts';
import { requireStudyFolders } from './study-folders.ts';

interface PlotOptions { out?: string; format?: string; smoothing?: string; groupBy?: string }

export async function plotCommand(dirs: string[], o: PlotOptions): Promise<number> {
  try {
    await requireStudyFolders(dirs);
    const formats = (o.format ?? 'svg,png').split(',').map((f) => f.trim());
    const bad = formats.filter((f) => f !== 'svg' && f !== 'png');
    if (bad.length || !formats.length) throw new UsageError(`--format takes svg, png or svg,png; got ${o.format}`);
    const smoothing = o.smoothing === undefined ? 0 : Number(o.smoothing);
    if (!(smoothing >= 0 && smoothing < 1)) throw new UsageError(`--smoothing must be in [0, 1), got ${o.smoothing}`);
    const out = o.out ?? join(dirs[0], 'figures');
    await ensureWritableDir(out); // before any work (and never mkdir -p: it loops forever under /proc)
    // Loaded here, not at start: the renderer brings a DOM shim and a native rasteriser no other command needs.
    const { loadFolders, studyFigures, toPng } = await import('@losslab/viewer/render');
    const { data, comparison } = await loadFolders(dirs, o.groupBy).catch((e: Error) => { throw new UsageError(e.message); });
    if (o.groupBy && !comparison?.differing.includes(o.groupBy)) {
      throw new UsageError(`--group-by ${o.groupBy}: the folders do not differ in it${comparison?.differing.length ? ` (they differ in ${comparison.differing.join(', ')})` : ''}`);
    }
    for (const p of data.problems) process.stderr.write(`${p.level}: ${p.message}\n`);
    const figures = studyFigures(data, { smoothing });
    if (!figures.length) throw new UsageError(`${dirs.join(', ')}: no run has finished an epoch yet: nothing to plot`);
    let n = 0;
    for (const f of figures) {
      for (const fmt of formats) {
        await writeFileAtomic(join(out, `${f.name}.${fmt}`), fmt === 'svg' ? f.svg : await toPng(f.svg), { createDir: false });
        n++;
      }
    }
    if (comparison) process.stderr.write(comparison.groupBy ? `compared in groups by ${comparison.groupBy}\n` : `merged ${comparison.studies.length} folders as one study\n`);
    process.stderr.write(`wrote ${n} files (${figures.length} figures) to ${out}\n`);
    return 0;
  } catch (e) {
    return reportError('plot', e);
  }
}

export function registerPlot(program: Command, setExit: (code: number) => void): void {
  program
    .command('plot')
    .description('write a study\'s figures as SVG and PNG: curves, summary table, confusion matrices, reliability diagrams (several folders: merged or grouped, as in the viewer)')
    .argument('<dirs...>', 'study folders')
    .option('--out <dir>', 'where to write the figures (default: <first folder>/figures)')
    .option('--format <list>', 'svg, png or svg,png', 'svg,png')
    .option('--smoothing <w>', 'EMA weight for the curves, in [0, 1) (the raw curve is drawn faintly behind)', '0')
    .option('--group-by <key>', 'folders that differ: the config key to group them by')
    .action(async (dirs: string[], o: PlotOptions) => setExit(await plotCommand(dirs, o)));
}
