export * from './relu.ts';
