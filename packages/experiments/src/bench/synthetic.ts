/**
 * CIFAR-shaped data made on the spot (seeded bytes, balanced labels): the bench's timings do not
 * depend on pixel values, so `bench --synthetic` needs no CIFAR-10 files. PyTorch reads files, so
 * for --vs-torch the same data is written in the binary layout to a temporary folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CIFAR10_SPEC, CLASS_NAMES, IMAGE_BYTES, META_FILE, RECORD_BYTES, TEST_FILE, TRAIN_FILES, type Dataset, type Split } from '../data/index.ts';

function split(n: number, seed: number): Split {
  const images = new Uint8Array(n * IMAGE_BYTES);
  let s = seed >>> 0;
  const words = new Uint32Array(images.buffer, 0, images.length >>> 2);
  for (let i = 0; i < words.length; i++) words[i] = s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
  return { images, labels: Uint8Array.from({ length: n }, (_, i) => i % CLASS_NAMES.length) };
}

export function syntheticCifar(o: { train?: number; test?: number; seed?: number } = {}): Dataset {
  const seed = o.seed ?? 1;
  const [train, test] = [o.train ?? CIFAR10_SPEC.trainSize, o.test ?? CIFAR10_SPEC.testSize];
  return { spec: { ...CIFAR10_SPEC, trainSize: train, testSize: test }, train: split(train, seed), test: split(test, seed + 1), dir: '(synthetic)' };
}

/** Writes `d` in the CIFAR-10 binary layout (its train split over the five batch files) and returns `dir`. */
export function writeCifarDir(dir: string, d: Dataset): string {
  mkdirSync(dir, { recursive: true });
  const records = (s: Split, from: number, to: number) => {
    const out = new Uint8Array((to - from) * RECORD_BYTES);
    for (let i = from; i < to; i++) {
      out[(i - from) * RECORD_BYTES] = s.labels[i];
      out.set(s.images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES), (i - from) * RECORD_BYTES + 1);
    }
    return out;
  };
  const n = d.train.labels.length;
  const per = Math.ceil(n / TRAIN_FILES.length);
  TRAIN_FILES.forEach((f, k) => writeFileSync(join(dir, f), records(d.train, Math.min(n, k * per), Math.min(n, (k + 1) * per))));
  writeFileSync(join(dir, TEST_FILE), records(d.test, 0, d.test.labels.length));
  writeFileSync(join(dir, META_FILE), d.spec.classNames.join('\n') + '\n');
  return dir;
}
