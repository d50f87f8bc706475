/** losslab: the command-line interface of LossLab. */
import { main } from './program.ts';
import { reportError } from './commands/errors.ts';
import { installProcessGuards } from './process-guards.ts';

installProcessGuards();
process.exitCode = await main(process.argv).catch((e: unknown) => reportError('', e));
