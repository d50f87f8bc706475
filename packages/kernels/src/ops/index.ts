// Every op module; importing one registers its runner.
export * from './relu.ts';
