/** The default engine for `run`: a data set (found, validated or downloaded) on the Node WebGPU device. */
import { DEFAULT_DATASET, resolveDataset, specOf, type DatasetSpec } from '../data/index.ts';
import { createEngineFactory } from '../engine/factory.ts';
import type { EngineFactory } from '../engine/types.ts';
import { exitOnNoAdapter, openDevice } from '../gpu.ts';
import { downloadBar } from '../progress/download-bar.ts';

export interface EngineHandle {
  factory: EngineFactory;
  classNames: string[];
  /** The data set's numbers as loaded (study.json records them). */
  spec?: DatasetSpec;
  close(): void;
}

export interface EngineRequest {
  dataDir?: string;
  /** The data set to train on (a --dataset name or manifest); default CIFAR-10. */
  dataset?: string;
  log: (line: string) => void;
}

export type EngineProvider = (r: EngineRequest) => Promise<EngineHandle>;

export const gpuEngineProvider: EngineProvider = async ({ dataDir, dataset: name = DEFAULT_DATASET, log }) => {
  const bar = downloadBar();
  const dataset = await resolveDataset(name).load({ dataDir, onProgress: bar.onProgress }).finally(bar.stop);
  const s = dataset.spec;
  log(`data: ${s.title} from ${dataset.dir} (${dataset.train.labels.length} train, ${dataset.test.labels.length} test images, ` +
    `${s.channels}×${s.height}×${s.width}, ${s.classNames.length} classes)`);
  const device = await openDevice(log).catch(exitOnNoAdapter);
  const factory = createEngineFactory(device, dataset);
  return {
    factory,
    classNames: s.classNames,
    spec: specOf(s),
    close: () => {
      factory.dispose();
      device.device.destroy();
    },
  };
};
