/** A `--dataset` value → its descriptor: a registered name (datasets/index.ts) or a manifest file (*.json). */
import { isManifestName } from './dataset-tag.ts';
import type { DatasetDescriptor } from './dataset.ts';
import { DATASETS } from './datasets/index.ts';
import { manifestDescriptor } from './manifest.ts';

export { datasetTag, isManifestName } from './dataset-tag.ts';

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
