export * from './core.ts';
export * from './kernel.ts';
export * from './device.ts';
export * from './registry.ts';
export * from './ops/index.ts';
export * from './reference/index.ts';
