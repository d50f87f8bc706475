// Every op module; importing one registers its runner.
export * from './relu.ts';
export * from './sgd.ts'; export * from './metrics.ts'; export * from './augment.ts';
