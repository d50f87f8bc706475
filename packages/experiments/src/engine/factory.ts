/** Creates the GPU training engine for a device and a data set. */
import type { LossLabDevice } from '@losslab/kernels';
import type { Dataset } from '../data/index.ts';
import type { EngineFactory } from './types.ts';
import { createGpuEngineFactory } from './gpu-engine.ts';

export function createEngineFactory(device: LossLabDevice, dataset: Dataset): EngineFactory {
  return createGpuEngineFactory({ device, dataset });
}
