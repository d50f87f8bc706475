/** `losslab export-metrics STUDY`: the study's per-epoch metrics as one tidy long table (CSV or JSON lines). */
import type { Command } from 'commander';
import { formatTidy, tidyMetrics, TIDY_COLUMNS, TIDY_FORMATS, type TidyFormat } from '../study/index.ts';
import { ResultsError, UsageError } from '../util/errors.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { ensureWritableFile } from '../util/out-dir.ts';
import { reportError } from './errors.ts';

export async function exportMetricsCommand(dir: string, o: { format?: string; out?: string }): Promise<number> {
  try {
    const format = (o.format ?? 'csv') as TidyFormat;
    if (!TIDY_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${TIDY_FORMATS.join(', ')}, got '${o.format}'`);
    const toFile = o.out !== undefined && o.out !== '-';
    if (toFile) await ensureWritableFile(o.out!);
    const { rows, damaged } = await tidyMetrics(dir);
    const text = formatTidy(rows, format);
    if (!toFile) process.stdout.write(text);
    else {
      await writeFileAtomic(o.out!, text);
      const runs = new Set(rows.map((r) => r.run)).size;
      process.stderr.write(`wrote ${o.out}: ${rows.length} rows (${runs} run${runs === 1 ? '' : 's'})\n`);
    }
    if (!damaged.length) return 0;
    // The rows that could be read are written; the runs that could not are named, and the exit code says the table is incomplete.
    throw new ResultsError(`left out ${damaged.length} run${damaged.length > 1 ? 's' : ''} whose results are damaged: ${damaged.map((d) => `${d.run} (${d.why})`).join('; ')}`);
  } catch (e) {
    return reportError('export-metrics', e);
  }
}

export function registerExportMetrics(program: Command, setExit: (code: number) => void): void {
  program
    .command('export-metrics')
    .description(`a study's per-epoch metrics as one tidy long table (${TIDY_COLUMNS.join(', ')}) for pandas, W&B, MLflow`)
    .argument('<study>', 'study folder')
    .option('--format <fmt>', `${TIDY_FORMATS.join(' or ')} (JSON lines)`, 'csv')
    .option('--out <file>', 'write to a file (default: standard output)')
    .action(async (dir: string, o: { format?: string; out?: string }) => setExit(await exportMetricsCommand(dir, o)));
}
