/** Process-wide behaviour of the CLI: a closed pipe ends output quietly, and no error leaves as a raw stack trace. */
import { reportError } from './commands/errors.ts';

export function installProcessGuards(): void {
  // `losslab run --list | head`: a closed pipe ends the output quietly, as other command-line tools do.
  for (const s of [process.stdout, process.stderr]) {
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      process.exit(reportError('', e));
    });
  }
  process.on('uncaughtException', (e) => process.exit(reportError('', e)));
  process.on('unhandledRejection', (e) => process.exit(reportError('', e)));
}
