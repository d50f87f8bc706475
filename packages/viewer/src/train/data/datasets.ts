/**
 * The study's data sets in the page, as the Node study has them (@losslab/experiments' Dataset:
 * uint8 CHW images and labels per split, with the data set's numbers): CIFAR-10 from the original
 * cifar-10-binary.tar.gz the user picks (md5-checked) or from `losslab view`'s server, Fashion-MNIST
 * from its four IDX files (gzipped or not). The checks are the Node readers' own (bytes.ts).
 */
import {
  CIFAR10_FOLDER, CIFAR10_IMAGE_BYTES, CIFAR10_MD5, CIFAR10_META_FILE, CIFAR10_RECORD_BYTES, CIFAR10_RECORDS_PER_BATCH, CIFAR10_SPEC,
  CIFAR10_TEST_FILE, CIFAR10_TRAIN_FILES, checkClassNames, checkedLabels, concatSplits, DataError, FASHION_MNIST_FILES, FASHION_MNIST_SPEC,
  parseIdx, splitRecords, type Dataset, type DatasetSpec, type Split,
} from '@losslab/experiments/browser';
import { gunzip, readTarGz, type ReadProgress } from './archive.ts';

export type { Dataset, ReadProgress };

/** The data sets the page can read, by their `--dataset` name. */
export const BROWSER_DATASETS = { cifar10: CIFAR10_SPEC, 'fashion-mnist': FASHION_MNIST_SPEC } as const satisfies Record<string, DatasetSpec>;
export type BrowserDatasetName = keyof typeof BROWSER_DATASETS;

/** CIFAR-10's files, as named inside cifar-10-binary.tar.gz and in the cache folder. */
export const CIFAR10_FILES = [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE, CIFAR10_META_FILE];

export interface Cifar10Options {
  /** The archive's expected md5 (default: the official one); null skips the check (an archive the user made). */
  md5?: string | null;
  /** Records per batch file (10,000; smaller in tests). */
  recordsPerBatch?: number;
  onProgress?: (p: ReadProgress) => void;
}

/** CIFAR-10 from its six batch files and the class names; `where(name)` names a file in errors. */
export function cifar10FromFiles(file: (name: string) => Uint8Array | undefined, where: (name: string) => string, recordsPerBatch = CIFAR10_RECORDS_PER_BATCH, dir = ''): Dataset {
  const need = (name: string, size?: number) => {
    const b = file(name);
    if (!b) throw new DataError(where(name), size === undefined ? 'a file' : `a file of ${size.toLocaleString('en-US')} bytes`, 'no such file');
    if (size !== undefined && b.byteLength !== size) {
      throw new DataError(where(name), `${size.toLocaleString('en-US')} bytes (${recordsPerBatch} records of ${CIFAR10_RECORD_BYTES})`, `${b.byteLength.toLocaleString('en-US')} bytes`);
    }
    return b;
  };
  checkClassNames(where(CIFAR10_META_FILE), new TextDecoder().decode(need(CIFAR10_META_FILE)));
  const size = recordsPerBatch * CIFAR10_RECORD_BYTES;
  const batch = (name: string): Split => splitRecords(where(name), need(name, size), recordsPerBatch);
  const train = concatSplits(CIFAR10_TRAIN_FILES.map(batch), CIFAR10_IMAGE_BYTES);
  const test = batch(CIFAR10_TEST_FILE);
  return { spec: { ...CIFAR10_SPEC, trainSize: train.labels.length, testSize: test.labels.length }, train, test, dir };
}

/** CIFAR-10 from the original cifar-10-binary.tar.gz (a picked File, or any stream of its bytes). */
export async function cifar10FromTarGz(source: Blob | ReadableStream<Uint8Array>, name: string, o: Cifar10Options = {}): Promise<Dataset> {
  const prefix = `${CIFAR10_FOLDER}/`;
  const wanted = new Set(CIFAR10_FILES.map((f) => prefix + f));
  const stream = source instanceof Blob ? source.stream() : source;
  const got = await readTarGz(stream, name, (m) => wanted.has(m.replace(/^\.\//, '')), { total: source instanceof Blob ? source.size : null, onProgress: o.onProgress });
  const expected = o.md5 === undefined ? CIFAR10_MD5 : o.md5;
  if (expected !== null && got.md5 !== expected) {
    throw new DataError(name, `the CIFAR-10 binary archive (md5 ${expected})`, `md5 ${got.md5}: another file, or a damaged download`);
  }
  const member = (f: string) => got.members.get(prefix + f) ?? got.members.get(`./${prefix}${f}`);
  return cifar10FromFiles(member, (f) => `${name}: ${prefix}${f}`, o.recordsPerBatch, `${name} (picked)`);
}

/** Fashion-MNIST's four IDX files by their base names (without .gz). */
const IDX_FILES = FASHION_MNIST_FILES;

/**
 * Fashion-MNIST from its four IDX files, each gzipped or not, given by name (picked files, or
 * fetched ones); `spec` defaults to the real sizes (smaller in tests).
 */
export async function fashionMnistFromFiles(files: Map<string, Blob>, spec: DatasetSpec = FASHION_MNIST_SPEC, dir = 'picked files'): Promise<Dataset> {
  const read = async (base: string): Promise<{ name: string; bytes: Uint8Array }> => {
    for (const name of [`${base}.gz`, base]) {
      const blob = files.get(name);
      if (!blob) continue;
      return { name, bytes: name.endsWith('.gz') ? await gunzip(blob.stream(), name) : new Uint8Array(await blob.arrayBuffer()) };
    }
    throw new DataError(`${base}.gz`, `the Fashion-MNIST files (${Object.values(IDX_FILES).map((f) => `${f}.gz`).join(', ')})`, 'it was not given');
  };
  const split = async (images: string, labels: string, n: number): Promise<Split> => {
    const im = await read(images);
    const lb = await read(labels);
    return { images: parseIdx(im.name, im.bytes, [n, spec.height, spec.width]), labels: checkedLabels(lb.name, parseIdx(lb.name, lb.bytes, [n]), spec.classNames.length) };
  };
  return {
    spec, dir,
    train: await split(IDX_FILES.trainImages, IDX_FILES.trainLabels, spec.trainSize),
    test: await split(IDX_FILES.testImages, IDX_FILES.testLabels, spec.testSize),
  };
}

/** Which data set a set of picked files is: a .tar.gz is CIFAR-10's archive, IDX files are Fashion-MNIST's. */
export function pickedKind(names: string[]): BrowserDatasetName | null {
  if (names.length === 1 && /\.(tar\.gz|tgz)$/i.test(names[0])) return 'cifar10';
  const bases = new Set(names.map((n) => n.replace(/\.gz$/i, '')));
  return Object.values(IDX_FILES).some((f) => bases.has(f)) ? 'fashion-mnist' : null;
}
