/** `losslab plot DIR...`: the study's figures as SVG and PNG, drawn by the viewer's chart code without a browser. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../util/errors.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { ensureWritableDir } from '../util/out-dir.ts';
import { reportError } from './errors.ts';
import { requireStudyFolders } from './study-folders.ts';

interface PlotOptions { out?: string; format?: string; smoothing?: string; series?: string }

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
    const { groupingOf, loadFolders, studyFigures, toPng } = await import('@losslab/viewer/render');
    const { data, comparison } = await loadFolders(dirs).catch((e: Error) => { throw new UsageError(e.message); });
    const series = o.series ? o.series.split(',').map((k) => k.trim()).filter(Boolean) : [];
    const differing = groupingOf(data.runs).differing;
    const unknown = series.filter((k) => !differing.includes(k));
    if (unknown.length) throw new UsageError(`--series ${unknown.join(',')}: the runs do not differ in it${differing.length ? ` (they differ in ${differing.join(', ')})` : ''}`);
    for (const p of data.problems) process.stderr.write(`${p.level}: ${p.message}\n`);
    const figures = studyFigures(data, { smoothing, series });
    if (!figures.length) throw new UsageError(`${dirs.join(', ')}: no run has finished an epoch yet: nothing to plot`);
    let n = 0;
    for (const f of figures) {
      for (const fmt of formats) {
        await writeFileAtomic(join(out, `${f.name}.${fmt}`), fmt === 'svg' ? f.svg : await toPng(f.svg), { createDir: false });
        n++;
      }
    }
    if (differing.length) process.stderr.write(`runs differ in ${differing.join(', ')}: never pooled across them (${series.length ? `series by ${series.join(', ')}, ` : ''}figures per combination of the rest)\n`);
    else if (comparison) process.stderr.write(`merged ${comparison.studies.length} folders as one study\n`);
    process.stderr.write(`wrote ${n} files (${figures.length} figures) to ${out}\n`);
    return 0;
  } catch (e) {
    return reportError('plot', e);
  }
}

export function registerPlot(program: Command, setExit: (code: number) => void): void {
  program
    .command('plot')
    .description('write a study\'s figures as SVG and PNG: curves, summary with CIs, per-class F1, confusion matrices, reliability diagrams (several folders: merged or split by setting, as in the viewer)')
    .argument('<dirs...>', 'study folders')
    .option('--out <dir>', 'where to write the figures (default: <first folder>/figures)')
    .option('--format <list>', 'svg, png or svg,png', 'svg,png')
    .option('--smoothing <w>', 'EMA weight for the curves, in [0, 1) (the raw curve is drawn faintly behind)', '0')
    .option('--series <keys>', 'settings that differ between runs to draw as series in one figure (default: a figure per combination)')
    .action(async (dirs: string[], o: PlotOptions) => setExit(await plotCommand(dirs, o)));
}
