/**
 * CIFAR-100 (Krizhevsky 2009), binary version (cifar-100-binary.tar.gz → cifar-100-binary/):
 * train.bin (50,000 records) and test.bin (10,000), each record a coarse-label byte, a fine-label
 * byte and 3×32×32 uint8 CHW pixels; fine_label_names.txt and coarse_label_names.txt. `cifar100`
 * trains on the 100 fine labels, `cifar100-coarse` on the 20 superclasses. Found in --data-dir,
 * $CIFAR100_DIR or the cache, else downloaded (md5-checked) into the cache. Normalisation: the
 * training set's per-channel mean and std; augmentation as CIFAR-10's (crop 4, flips).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { imageSize, type Dataset, type DatasetDescriptor, type DatasetSpec, type LoadOptions } from '../dataset.ts';
import { downloadArchive } from '../download.ts';
import { DataError } from '../errors.ts';
import { locateDataFolder, type FolderSearch } from '../locate.ts';
import { checkedLabels, readRecordFile } from '../records.ts';

export const FINE_NAMES = [
  'apple', 'aquarium_fish', 'baby', 'bear', 'beaver', 'bed', 'bee', 'beetle', 'bicycle', 'bottle', 'bowl', 'boy', 'bridge', 'bus',
  'butterfly', 'camel', 'can', 'castle', 'caterpillar', 'cattle', 'chair', 'chimpanzee', 'clock', 'cloud', 'cockroach', 'couch',
  'crab', 'crocodile', 'cup', 'dinosaur', 'dolphin', 'elephant', 'flatfish', 'forest', 'fox', 'girl', 'hamster', 'house', 'kangaroo',
  'keyboard', 'lamp', 'lawn_mower', 'leopard', 'lion', 'lizard', 'lobster', 'man', 'maple_tree', 'motorcycle', 'mountain', 'mouse',
  'mushroom', 'oak_tree', 'orange', 'orchid', 'otter', 'palm_tree', 'pear', 'pickup_truck', 'pine_tree', 'plain', 'plate', 'poppy',
  'porcupine', 'possum', 'rabbit', 'raccoon', 'ray', 'road', 'rocket', 'rose', 'sea', 'seal', 'shark', 'shrew', 'skunk', 'skyscraper',
  'snail', 'snake', 'spider', 'squirrel', 'streetcar', 'sunflower', 'sweet_pepper', 'table', 'tank', 'telephone', 'television',
  'tiger', 'tractor', 'train', 'trout', 'tulip', 'turtle', 'wardrobe', 'whale', 'willow_tree', 'wolf', 'woman', 'worm',
];
export const COARSE_NAMES = [
  'aquatic_mammals', 'fish', 'flowers', 'food_containers', 'fruit_and_vegetables', 'household_electrical_devices',
  'household_furniture', 'insects', 'large_carnivores', 'large_man-made_outdoor_things', 'large_natural_outdoor_scenes',
  'large_omnivores_and_herbivores', 'medium_mammals', 'non-insect_invertebrates', 'people', 'reptiles', 'small_mammals', 'trees',
  'vehicles_1', 'vehicles_2',
];

export const CIFAR100_URL = 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz';
export const CIFAR100_MD5 = '03b5dce01913d631647c71ecec9e9cb8';
const FOLDER = 'cifar-100-binary';
const FILES = { train: 'train.bin', test: 'test.bin', fine: 'fine_label_names.txt', coarse: 'coarse_label_names.txt' };

export type Cifar100Labels = 'fine' | 'coarse';

/** CIFAR-100's numbers for fine or coarse labels (sizes overridable: tests write small files). */
export function cifar100Spec(labels: Cifar100Labels, sizes: { trainSize?: number; testSize?: number } = {}): DatasetSpec {
  const fine = labels === 'fine';
  return {
    name: fine ? 'cifar100' : 'cifar100-coarse', title: fine ? 'CIFAR-100' : 'CIFAR-100 (20 superclasses)',
    channels: 3, height: 32, width: 32, classNames: fine ? FINE_NAMES : COARSE_NAMES,
    trainSize: sizes.trainSize ?? 50_000, testSize: sizes.testSize ?? 10_000,
    mean: [0.5071, 0.4865, 0.4409], std: [0.2673, 0.2564, 0.2762], augment: { pad: 4, flip: true },
  };
}

async function checkNames(file: string, expected: string[]): Promise<void> {
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new DataError(file, `the ${expected.length} class names, one per line`, e.code === 'ENOENT' ? 'no such file' : `it cannot be read (${e.code ?? e.message})`);
  });
  const names = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  const bad = names.length !== expected.length ? -1 : names.findIndex((n, i) => n !== expected[i]);
  if (names.length !== expected.length) throw new DataError(file, `${expected.length} class names`, `${names.length}`);
  if (bad >= 0) throw new DataError(file, `class ${bad} named ${expected[bad]}`, names[bad]);
}

async function readRecords(file: string, n: number, spec: DatasetSpec, labels: Cifar100Labels) {
  const record = 2 + imageSize(spec);
  const raw = await readRecordFile(file, n, record);
  const images = new Uint8Array(n * imageSize(spec));
  const values = new Uint8Array(n);
  const at = labels === 'coarse' ? 0 : 1;
  for (let i = 0; i < n; i++) {
    values[i] = raw[i * record + at];
    images.set(raw.subarray(i * record + 2, (i + 1) * record), i * imageSize(spec));
  }
  return { images, labels: checkedLabels(file, values, spec.classNames.length, 'record') };
}

/** Reads and checks a cifar-100-binary folder against `spec`. */
export async function readCifar100Dir(dir: string, spec: DatasetSpec, labels: Cifar100Labels = 'fine'): Promise<Dataset> {
  await checkNames(join(dir, FILES.fine), FINE_NAMES);
  await checkNames(join(dir, FILES.coarse), COARSE_NAMES);
  return {
    spec, dir,
    train: await readRecords(join(dir, FILES.train), spec.trainSize, spec, labels),
    test: await readRecords(join(dir, FILES.test), spec.testSize, spec, labels),
  };
}

/** The descriptor of CIFAR-100 with fine or coarse labels; `sizes` only for small test files. */
export function cifar100(labels: Cifar100Labels, sizes: { trainSize?: number; testSize?: number } = {}): DatasetDescriptor {
  const spec = cifar100Spec(labels, sizes);
  const search = (o: LoadOptions): FolderSearch => ({
    title: 'CIFAR-100', folder: FOLDER, envVar: 'CIFAR100_DIR', files: Object.values(FILES),
    download: (root) => downloadArchive(root, {
      what: 'the CIFAR-100 archive', url: o.url ?? CIFAR100_URL, md5: o.md5 ?? CIFAR100_MD5, folder: FOLDER, envVar: 'CIFAR100_DIR',
      validate: (dir) => readCifar100Dir(dir, spec, labels), onProgress: o.onProgress,
    }),
  });
  return {
    ...spec,
    sources: `--data-dir, $CIFAR100_DIR, the cache (${FOLDER} in $LOSSLAB_CACHE or ~/.cache/losslab), else a download of ${CIFAR100_URL}`,
    load: async (o: LoadOptions = {}) => readCifar100Dir(await locateDataFolder(search(o), o), spec, labels),
  };
}

export const CIFAR100 = cifar100('fine');
export const CIFAR100_COARSE = cifar100('coarse');
