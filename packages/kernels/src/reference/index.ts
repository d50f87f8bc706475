export * from './relu.ts';
export * from './sgd.ts'; export * from './metrics.ts'; export * from './augment.ts';
