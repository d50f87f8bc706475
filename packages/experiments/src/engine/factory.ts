/**
 * Wiring to the GPU training engine (./gpu-engine.ts, written separately). import.meta.glob lets
 * vite bundle the module when it exists and yields nothing when it does not, so the CLI builds
 * and typechecks either way and `run` can say plainly that the engine is missing.
 */
import type { LossLabDevice } from '@losslab/kernels';
import type { CifarDataset } from '../data/index.ts';
import type { EngineFactory } from './types.ts';

export interface GpuEngineModule {
  createGpuEngineFactory(o: { device: LossLabDevice; dataset: CifarDataset }): EngineFactory | Promise<EngineFactory>;
}

const modules = import.meta.glob<GpuEngineModule>('./gpu-engine.ts');

export class EngineMissingError extends Error {
  override name = 'EngineMissingError';
}

/** Loads the engine module, or throws EngineMissingError with a clear message. */
export async function loadGpuEngine(): Promise<GpuEngineModule> {
  const load = modules['./gpu-engine.ts'];
  if (!load) {
    throw new EngineMissingError('the training engine is not part of this build (packages/experiments/src/engine/gpu-engine.ts is missing); `losslab smoke` checks the device meanwhile');
  }
  const mod = await load();
  if (typeof mod.createGpuEngineFactory !== 'function') {
    throw new EngineMissingError('src/engine/gpu-engine.ts does not export createGpuEngineFactory()');
  }
  return mod;
}

export async function createEngineFactory(mod: GpuEngineModule, device: LossLabDevice, dataset: CifarDataset): Promise<EngineFactory> {
  return mod.createGpuEngineFactory({ device, dataset });
}
