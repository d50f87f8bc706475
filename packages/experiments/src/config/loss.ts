/**
 * Losses as the study names them: every name, parameter rule and label comes from the one
 * definition of each loss (@losslab/kernels, src/losses); users add theirs inline
 * ('mypoly=ce + 2*(1-p[y])') or in a loss file. Errors become UsageError (exit 2, one line).
 */
import { readFile } from 'node:fs/promises';
import { LossDefinitionError, parseLoss as parseDefinedLoss, lossHelpLines, lossNamesHelp, type LossDefinition, type LossSpec } from '@losslab/kernels';
import { UsageError } from '../util/errors.ts';
import { definitionsFromText, splitLossList } from './loss-lines.ts';

export { parseLoss, lossLabel, type ParsedLoss } from './loss-parse.ts';

/**
 * A loss file: one definition per line (`name=expression` or `name(param=default, …)=expression`),
 * blank lines and `#` comments ignored. Each definition is compiled (and checked) here.
 */
export async function readLossFile(file: string): Promise<LossDefinition[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read loss file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return definitionsFromText(text, (line, message) => {
    throw new UsageError(`${file}:${line}: ${message}`);
  });
}

export { splitLossList };

/** For help texts: 'ce, focal:<gamma>, …' and one line per loss. */
export const LOSS_NAMES_HELP = lossNamesHelp();
export { lossHelpLines };
