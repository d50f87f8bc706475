/** Synthetic folders in the CIFAR-10 binary layout, small (a few records per batch). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLASS_NAMES, IMAGE_BYTES, META_FILE, RECORD_BYTES, TEST_FILE, TRAIN_FILES } from '../../src/data/index.ts';

export const SMALL = { recordsPerBatch: 7 };

/** Record i of batch b: label (b·n + i) mod 10, image bytes (b·n + i + j) mod 256 (unique per record). */
export function batchBytes(b: number, n = SMALL.recordsPerBatch): Uint8Array {
  const out = new Uint8Array(n * RECORD_BYTES);
  for (let i = 0; i < n; i++) {
    out[i * RECORD_BYTES] = (b * n + i) % 10;
    for (let j = 0; j < IMAGE_BYTES; j++) out[i * RECORD_BYTES + 1 + j] = (b * n + i + j) % 256;
  }
  return out;
}

export async function writeCifarDir(dir: string, n = SMALL.recordsPerBatch): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [b, f] of [...TRAIN_FILES, TEST_FILE].entries()) await writeFile(join(dir, f), batchBytes(b, n));
  await writeFile(join(dir, META_FILE), CLASS_NAMES.join('\n') + '\n\n');
}
