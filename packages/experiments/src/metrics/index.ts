export { accuracy, perClass, macroF1, confusionMatrix, total, type ClassMetrics } from './confusion.ts';
export { ece, reliabilityBins, binConfidences, type BinCounts, type ReliabilityBin } from './calibration.ts';
