/** A data-set problem: names the file, what was expected and what was found. */
export class DataError extends Error {
  override name = 'DataError';
  constructor(
    readonly file: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${file}: expected ${expected}, found ${found}`);
  }
}
