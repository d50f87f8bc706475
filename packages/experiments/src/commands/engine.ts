/** The default engine for `run`: CIFAR-10 (found, validated or downloaded) on the Node WebGPU device. */
import { loadCifar10 } from '../data/index.ts';
import { createEngineFactory } from '../engine/factory.ts';
import type { EngineFactory } from '../engine/types.ts';
import { exitOnNoAdapter, openDevice } from '../gpu.ts';
import { downloadBar } from '../progress/download-bar.ts';

export interface EngineHandle {
  factory: EngineFactory;
  classNames: string[];
  close(): void;
}

export interface EngineRequest {
  dataDir?: string;
  log: (line: string) => void;
}

export type EngineProvider = (r: EngineRequest) => Promise<EngineHandle>;

export const gpuEngineProvider: EngineProvider = async ({ dataDir, log }) => {
  const bar = downloadBar();
  const dataset = await loadCifar10({ dataDir, onProgress: bar.onProgress }).finally(bar.stop);
  log(`data: CIFAR-10 from ${dataset.dir} (${dataset.train.labels.length} train, ${dataset.test.labels.length} test images)`);
  const device = await openDevice(log).catch(exitOnNoAdapter);
  const factory = createEngineFactory(device, dataset);
  return {
    factory,
    classNames: dataset.classNames,
    close: () => {
      factory.dispose();
      device.device.destroy();
    },
  };
};
