/** Turns known errors into one line on stderr and an exit code: 2 for bad input, 1 otherwise. */
import { DataError } from '../data/index.ts';
import { UsageError } from '../util/errors.ts';

export function reportError(command: string, e: unknown, err: (line: string) => void = (l) => process.stderr.write(l + '\n')): number {
  const msg = (e as Error)?.message ?? String(e);
  if (e instanceof UsageError) {
    err(`losslab ${command}: ${msg.split('\n')[0]}`);
    return 2;
  }
  if (e instanceof DataError) {
    err(`losslab ${command}: ${msg}`);
    return 1;
  }
  throw e;
}
