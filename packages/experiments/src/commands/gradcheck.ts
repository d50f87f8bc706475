/**
 * `losslab gradcheck [LOSS…]`: each loss's derived gradient (the one the kernels run) against
 * float64 central differences of its float64 value, at random and extreme logits, C = 10 and 100.
 * Exit 1 when a loss is past tolerance, 2 for a bad loss or definition.
 */
import type { Command } from 'commander';
import { gradcheck, GRADCHECK_TOLERANCE, LOSS_DEFINITIONS, type LossDefinition } from '@losslab/kernels';
import { parseLoss, readLossFile, splitLossList, lossHelpLines } from '../config/index.ts';
import { UsageError } from '../util/errors.ts';
import { reportError } from './errors.ts';

interface GradcheckFlags {
  lossFile?: string;
  classes?: string;
  list?: boolean;
  json?: boolean;
}

/** The built-ins at the study's parameters and every zoo loss at its defaults. */
export const GRADCHECK_DEFAULT = ['ce', 'focal:0.5', 'focal:2', 'l1', 'l1-logits', 'ls:0.1', 'gce:0.7', ...LOSS_DEFINITIONS.filter((d) => d.zoo).map((d) => d.name)];

export async function gradcheckCommand(losses: string[], o: GradcheckFlags, out: (line: string) => void = (l) => process.stdout.write(l + '\n')): Promise<number> {
  if (o.list) {
    for (const l of lossHelpLines()) out(l);
    return 0;
  }
  const defs: LossDefinition[] = o.lossFile ? await readLossFile(o.lossFile) : [];
  const classes = (o.classes ?? '10,100').split(',').map((c) => {
    const v = Number(c);
    if (!Number.isInteger(v) || v < 2 || v > 4096) throw new UsageError(`--classes: "${c}" is not a class count from 2 to 4096`);
    return v;
  });
  const names = losses.flatMap(splitLossList);
  const specs = (names.length ? names : [...GRADCHECK_DEFAULT, ...defs.map((d) => d.name)]).map((n) => parseLoss(n, defs).spec);
  let failed = 0;
  if (!o.json) out(`${'loss'.padEnd(20)} ${'worst rel. error'.padStart(16)}  ${'checked'.padStart(7)}  kinks  result  (tolerance ${GRADCHECK_TOLERANCE}; C = ${classes.join(', ')})`);
  for (const spec of specs) {
    const r = gradcheck(spec, classes);
    if (!r.pass) failed++;
    if (o.json) {
      out(JSON.stringify({ loss: spec.name, ...r }));
      continue;
    }
    const result = r.pass ? 'ok' : `FAIL: ${r.nonFinite ?? `${r.failures} entries, first ${r.firstFailure}`}`;
    out(`${spec.name.padEnd(20)} ${r.worst.toExponential(2).padStart(16)}  ${String(r.checked).padStart(7)}  ${String(r.kinks).padStart(5)}  ${result}${r.pass ? `  (worst at ${r.worstAt || '–'})` : ''}`);
  }
  if (!o.json) out(failed ? `${failed} of ${specs.length} losses past tolerance` : `all ${specs.length} losses within tolerance`);
  return failed ? 1 : 0;
}

export function registerGradcheck(program: Command, setExit: (code: number) => void): void {
  program
    .command('gradcheck')
    .description("check each loss's derived gradient against float64 central differences at random and extreme logits (exit 1 past tolerance)")
    .argument('[loss...]', 'losses (names, name:params or name=expression); default: every built-in and zoo loss')
    .option('--loss-file <file>', 'definitions (name=expression, one per line) the losses may name')
    .option('--classes <list>', 'class counts', '10,100')
    .option('--list', 'list every loss: parameters, ranges, defaults, citation')
    .option('--json', 'one JSON object per loss')
    .action(async (losses: string[], o: GradcheckFlags) => {
      try {
        setExit(await gradcheckCommand(losses, o));
      } catch (e) {
        setExit(reportError('gradcheck', e));
      }
    });
}
