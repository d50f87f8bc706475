/**
 * CIFAR-10 (Krizhevsky 2009), binary version: its numbers are CIFAR10_SPEC (../layout.ts, with
 * the layout), its reader ../read.ts, found in --data-dir, $CIFAR10_DIR or the cache, else
 * downloaded (../locate.ts, ../download.ts).
 */
import type { DatasetDescriptor } from '../dataset.ts';
import { CIFAR10_SPEC, DOWNLOAD_URL } from '../layout.ts';
import { loadCifar10 } from '../locate.ts';

export const CIFAR10: DatasetDescriptor = {
  ...CIFAR10_SPEC,
  sources: `--data-dir, $CIFAR10_DIR, the cache (cifar-10-batches-bin in $LOSSLAB_CACHE or ~/.cache/losslab), else a download of ${DOWNLOAD_URL}`,
  load: (o) => loadCifar10(o),
};
