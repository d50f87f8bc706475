/**
 * @losslab/experiments as a library: the objects the `losslab` CLI itself uses — the Node
 * WebGPU device, CIFAR-10 (or your own arrays), the training engine (one run per RunSpec:
 * model by name, loss by name, SGD + StepLR), the study runner, results and statistics.
 * Models and state dicts come from @losslab/nn; kernels from @losslab/kernels.
 */
export { openDevice } from './gpu.ts';
export * from './data/index.ts';
export { createEngineFactory } from './engine/factory.ts';
export type { RunSpec, RunEngine, EngineFactory, EpochStats, EvalStats, StepProgress, SaliencyItem } from './engine/types.ts';
export { runSpecFor } from './engine/spec.ts';
export * from './config/index.ts';
export * from './study/index.ts';
export * from './metrics/index.ts';
export * from './stats/index.ts';
