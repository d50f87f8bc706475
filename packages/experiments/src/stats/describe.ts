/**
 * Mean, sample standard deviation and Student-t 95% confidence interval over seeds: one
 * implementation, in the results-format module the viewer shares (@losslab/viewer/format).
 */
export { mean, sampleStd, tCritical, ciMean, describe, type Described } from '@losslab/viewer/format';
