/**
 * A data-set problem: names the file, what was expected and what was found. Bad data is bad input
 * (the CLI exits 2 before training); `transient` marks what may pass on a retry (a download that
 * failed), which exits 1.
 */
export class DataError extends Error {
  override name = 'DataError';
  constructor(
    readonly file: string,
    readonly expected: string,
    readonly found: string,
    readonly transient = false,
  ) {
    super(`${file}: expected ${expected}, found ${found}`);
  }
}
