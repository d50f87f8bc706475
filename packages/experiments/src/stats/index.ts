export { mean, sampleStd, tCritical, ciMean, describe, type Described } from './describe.ts';
export { pairedTTest, pairedDifference, bootstrapCi, quantileSorted, type PairedTest } from './paired.ts';
