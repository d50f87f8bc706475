/** Reading fixed-size record files (the byte-level helpers the readers share, Node-free, are in bytes.ts). */
import { readFile, stat } from 'node:fs/promises';
import { DataError } from './errors.ts';
export { checkedLabels, concatSplits } from './bytes.ts';

/** The bytes of a file of `n` records of `recordBytes` each; DataError naming `file` if it is missing, of another size or unreadable. */
export async function readRecordFile(file: string, n: number, recordBytes: number): Promise<Uint8Array> {
  const expected = n * recordBytes;
  const size = await stat(file).then((s) => s.size, () => -1);
  if (size < 0) throw new DataError(file, `a file of ${expected.toLocaleString('en-US')} bytes`, 'no such file');
  if (size !== expected) {
    throw new DataError(file, `${expected.toLocaleString('en-US')} bytes (${n} records of ${recordBytes})`, `${size.toLocaleString('en-US')} bytes`);
  }
  return readFile(file).catch((e: NodeJS.ErrnoException) => {
    throw new DataError(file, 'a readable file', `it cannot be read (${e.code ?? e.message})`);
  });
}
