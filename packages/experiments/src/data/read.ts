/** Reads and validates a folder in the CIFAR-10 binary layout. */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from './errors.ts';
import {
  CIFAR10_SPEC, CLASS_NAMES, IMAGE_BYTES, META_FILE, NUM_CLASSES, OFFICIAL, RECORD_BYTES, TEST_FILE, TRAIN_FILES, type LayoutSpec,
} from './layout.ts';
import type { Dataset, Split } from './dataset.ts';
import { concatSplits, readRecordFile } from './records.ts';
import { checkClassNames, splitRecords } from './bytes.ts';

export { splitRecords };

async function readBatch(file: string, spec: LayoutSpec): Promise<Split> {
  return splitRecords(file, await readRecordFile(file, spec.recordsPerBatch, RECORD_BYTES), spec.recordsPerBatch);
}

export async function readClassNames(dir: string): Promise<string[]> {
  const file = join(dir, META_FILE);
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new DataError(file, 'the 10 class names, one per line', e.code === 'ENOENT' ? 'no such file' : `it cannot be read (${e.code ?? e.message})`);
  });
  return checkClassNames(file, text);
}

/** The files of the layout that `dir` lacks (no content checks). */
export async function missingFiles(dir: string): Promise<string[]> {
  const files = [...TRAIN_FILES, TEST_FILE, META_FILE];
  const found = await Promise.all(files.map((f) => stat(join(dir, f)).then((s) => s.isFile(), () => false)));
  return files.filter((_, i) => !found[i]);
}

/** True when `dir` has every file of the layout (no content checks). */
export async function hasLayout(dir: string): Promise<boolean> {
  return (await missingFiles(dir)).length === 0;
}

/** Reads and validates all six batches and the class names; throws DataError on the first problem. */
export async function readCifarDir(dir: string, spec: LayoutSpec = OFFICIAL): Promise<Dataset> {
  await readClassNames(dir);
  const train: Split[] = [];
  for (const f of TRAIN_FILES) train.push(await readBatch(join(dir, f), spec));
  const test = await readBatch(join(dir, TEST_FILE), spec);
  const sizes = { trainSize: TRAIN_FILES.length * spec.recordsPerBatch, testSize: spec.recordsPerBatch };
  return { spec: { ...CIFAR10_SPEC, ...sizes }, train: concatSplits(train, IMAGE_BYTES), test, dir };
}
