/** A `--dataset` value → its descriptor: a registered name (datasets/index.ts) or a manifest file (*.json). */
import { basename } from 'node:path';
import type { DatasetDescriptor } from './dataset.ts';
import { DATASETS } from './datasets/index.ts';
import { manifestDescriptor } from './manifest.ts';

export const isManifestName = (name: string): boolean => name.endsWith('.json');

/** Why `name` is no data set, or null. */
export function unknownDataset(name: string): string | null {
  if (DATASETS[name] || isManifestName(name)) return null;
  return `unknown dataset ${JSON.stringify(name)} (known: ${Object.keys(DATASETS).join(', ')}; or a manifest file ending in .json)`;
}

export function resolveDataset(name: string): DatasetDescriptor {
  const why = unknownDataset(name);
  if (why) throw new Error(why);
  return DATASETS[name] ?? manifestDescriptor(name);
}

/** The short name a data set has in run ids and folders: its own, or a manifest's file name without .json. */
export function datasetTag(name: string): string {
  return isManifestName(name) ? basename(name, '.json').replace(/[^\w.-]/g, '_') : name;
}
