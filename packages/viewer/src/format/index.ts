/**
 * The results format in one place, for the CLI (experiments) and the viewer alike: the file
 * shapes (types.ts), the metrics and which way each is better (metrics.ts), and the summary's
 * statistics (stats.ts).
 */
export * from './types.ts';
export * from './metrics.ts';
export * from './stats.ts';
