/**
 * Holm's step-down correction across a summary table's comparisons, and the fewest paired seeds
 * that are tested: one implementation, in the results-format module the viewer shares.
 */
export { holmAdjust, MIN_SEEDS_TO_TEST } from '@losslab/viewer/format';
