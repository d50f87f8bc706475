/** Data-set names in run ids and folders (Node-free: the browser's Train page names its runs with it too). */
import { CIFAR10_SPEC } from './layout.ts';

/** The data set a study trains when it names none. */
export const DEFAULT_DATASET = CIFAR10_SPEC.name;

export const isManifestName = (name: string): boolean => name.endsWith('.json');

/** The short name a data set has in run ids and folders: its own, or a manifest's file name without .json. */
export function datasetTag(name: string): string {
  if (!isManifestName(name)) return name;
  return name.slice(name.lastIndexOf('/') + 1).slice(0, -'.json'.length).replace(/[^\w.-]/g, '_');
}
