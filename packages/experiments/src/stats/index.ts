export { mean, sampleStd, tCritical, ciMean, describe, type Described } from './describe.ts';
export { welchTest, type WelchTest } from './welch.ts';
export { pairedTTest, pairedDifference, bootstrapCi, quantileSorted, type PairedTest } from './paired.ts';
export { holmAdjust, MIN_SEEDS_TO_TEST } from './holm.ts';
