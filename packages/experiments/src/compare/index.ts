export { readReference, type ReferenceRun } from './reference.ts';
export { compareToReference, type Comparison, type LossComparison } from './compare.ts';
export { renderComparison } from './render.ts';
