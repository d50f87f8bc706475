/** `losslab compare DIR... --reference REF`: final metrics per loss against another implementation's seeds. */
import type { Command } from 'commander';
import { compareToReference, readReference, renderComparison } from '../compare/index.ts';
import { collectStudy, requireSameSettings } from '../study/collect.ts';
import { CSV_COLUMNS, type CsvColumn } from '../study/csv.ts';
import { UsageError } from '../util/errors.ts';
import { reportError } from './errors.ts';

export interface CompareOptions {
  reference: string[];
  metric: string;
  arch?: string;
  json?: boolean;
}

export async function compareCommand(dirs: string[], o: CompareOptions): Promise<number> {
  try {
    if (!(CSV_COLUMNS as readonly string[]).includes(o.metric) || o.metric === 'epoch') {
      throw new UsageError(`unknown metric '${o.metric}' (one of: ${CSV_COLUMNS.filter((c) => c !== 'epoch').join(', ')})`);
    }
    const collected = await Promise.all(dirs.map(async (dir) => ({ dir, ...(await collectStudy(dir)) })));
    requireSameSettings(collected);
    const records = collected.flatMap((c) => c.records);
    const reference = await readReference(o.reference);
    const c = compareToReference(records, reference, o.metric as CsvColumn, o.arch);
    if (!c.rows.some((r) => r.reference && r.losslab)) {
      throw new UsageError(`no loss has finished runs on both sides (reference: ${[...reference.keys()].join(', ')}; studies: ${c.rows.filter((r) => r.losslab).map((r) => r.label).join(', ') || 'none finished'})`);
    }
    process.stdout.write((o.json ? JSON.stringify(c, null, 2) : renderComparison(c)) + '\n');
    return 0;
  } catch (e) {
    return reportError('compare', e);
  }
}

export function registerCompare(program: Command, setExit: (code: number) => void): void {
  program
    .command('compare')
    .description("compare the studies' final metrics per loss with reference runs of another implementation (e.g. PyTorch's)")
    .argument('<dirs...>', 'study folders (seeds may be spread over several)')
    .requiredOption('--reference <dir>', 'folder of <loss>_seed<S>.csv reference curves, e.g. docs/measurements/default-study/torch (PyTorch; repeat for more folders)',
      (dir: string, prev: string[] | undefined) => [...(prev ?? []), dir])
    .option('--metric <name>', 'CSV column to compare at the last epoch', 'test_acc')
    .option('--arch <name>', "the studies' architecture to compare (default: their only one, else convnet)")
    .option('--json', 'print the comparison as JSON')
    .action(async (dirs: string[], o: CompareOptions) => setExit(await compareCommand(dirs, o)));
}
