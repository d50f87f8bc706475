/** Bad input from the user: the CLI prints its message as one line and exits 2, before any work. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Results that cannot be trusted (a damaged file in a study folder), or a failure to write one: one line, exit 1. */
export class ResultsError extends Error {
  override name = 'ResultsError';
}
