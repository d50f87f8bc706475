export { parseLoss, lossLabel, readLossFile, splitLossList, LOSS_NAMES_HELP, lossHelpLines, type ParsedLoss } from './loss.ts';
export { DEFAULT_CONFIG, PRESETS, ARCHS, DATA_VARIANTS, studyIdentity, type StudyConfig, type Schedule } from './study-config.ts';
export { validateConfig } from './validate.ts';
export { flagOverrides, parseSeeds, type RunFlags } from './flags.ts';
export { resolveConfig, readConfigFile } from './resolve.ts';
