/** Bad input from the user: the CLI prints its message as one line and exits 2, before any work. */
export class UsageError extends Error {
  override name = 'UsageError';
}
