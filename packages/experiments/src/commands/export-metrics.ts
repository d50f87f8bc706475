/** `losslab export-metrics STUDY`: the study's per-epoch metrics as one tidy long table (CSV or JSON lines). */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatTidy, tidyMetrics, TIDY_COLUMNS, TIDY_FORMATS, type TidyFormat } from '../study/index.ts';
import { UsageError } from '../util/errors.ts';
import { reportError } from './errors.ts';

export async function exportMetricsCommand(dir: string, o: { format?: string; out?: string }): Promise<number> {
  try {
    const format = (o.format ?? 'csv') as TidyFormat;
    if (!TIDY_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${TIDY_FORMATS.join(', ')}, got '${o.format}'`);
    const rows = await tidyMetrics(dir);
    const text = formatTidy(rows, format);
    if (o.out === undefined || o.out === '-') process.stdout.write(text);
    else {
      await writeFile(o.out, text);
      process.stderr.write(`wrote ${o.out}: ${rows.length} rows (${new Set(rows.map((r) => r.run)).size} runs)\n`);
    }
    return 0;
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
