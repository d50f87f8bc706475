/** losslab: the command-line interface of LossLab. */
import { main } from './program.ts';
import { reportError } from './commands/errors.ts';

// `losslab run --list | head`: a closed pipe ends the output quietly, as other command-line tools do.
for (const s of [process.stdout, process.stderr]) {
  s.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
process.on('uncaughtException', (e) => process.exit(reportError('', e)));
process.on('unhandledRejection', (e) => process.exit(reportError('', e)));

process.exitCode = await main(process.argv).catch((e: unknown) => reportError('', e));
