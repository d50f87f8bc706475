/**
 * Every error a command meets ends as one line on stderr and an exit code: 2 for bad input
 * (UsageError, and a DataError: a data file that is missing, truncated or wrong), 1 for anything
 * else — a failed download, and unexpected errors, which name what failed (the error's kind and
 * system call, and the file) and print their stack only with --verbose.
 */
import { DataError } from '../data/index.ts';
import { ResultsError, UsageError } from '../util/errors.ts';

let verbose = false;

/** Set from the global --verbose flag before a command runs. */
export function setVerbose(v: boolean): void {
  verbose = v;
}

/** One line for an unexpected error: its kind (or errno code, with the system call and path) and message. */
export function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const first = e.message.split('\n')[0];
  const n = e as NodeJS.ErrnoException;
  if (n.code && n.syscall) return `${n.syscall} ${n.path ?? ''} failed: ${n.code}${n.path ? '' : ` (${first})`}`.replace(/ {2,}/g, ' ');
  return `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${first}`;
}

const MAX_LINE = 2000;

/** The first line of `s` with control bytes (ESC, CR, …) shown as \xNN: echoed input never drives the terminal. */
export function oneLine(s: string): string {
  const line = s.split('\n')[0];
  // Garbage given as input can be megabytes: echo its start.
  return (line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line).replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function reportError(command: string, e: unknown, err: (line: string) => void = (l) => process.stderr.write(l + '\n')): number {
  const msg = (e as Error)?.message ?? String(e);
  const who = command ? `losslab ${command}` : 'losslab';
  if (e instanceof UsageError || (e instanceof Error && e.name === 'LossDefinitionError')) {
    err(`${who}: ${oneLine(msg)}`);
    return 2;
  }
  if (e instanceof DataError || e instanceof ResultsError) {
    err(`${who}: ${oneLine(msg)}`);
    return e instanceof DataError && !e.transient ? 2 : 1;
  }
  err(`${who}: ${oneLine(describeError(e))}${verbose ? '' : ' (--verbose for details)'}`);
  if (verbose && e instanceof Error && e.stack) err(e.stack);
  return 1;
}
