// Kernel benchmarks, one module per op family; `losslab bench` prints them.
export * from './timing.ts';
export * from './sgd-metrics-augment.ts';
export * from './matmul-loss.ts';
export * from './conv-pool.ts';
export * from './limits.ts';
