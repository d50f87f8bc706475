/**
 * What the browser's Train page shares with the Node study: the parts free of Node imports (no
 * `node:` modules, no Node-only packages). A source-only export (`@losslab/experiments/browser`):
 * the viewer bundles it from source; nothing here may import a Node module.
 */
export { DataError } from './data/errors.ts';
export type { Dataset, DatasetSpec, LabelArray, Split } from './data/dataset.ts';
export { imageSize } from './data/dataset.ts';
export { checkClassNames, checkedLabels, concatSplits, parseIdx, splitRecords } from './data/bytes.ts';
export {
  BATCH_BYTES, CIFAR10_SPEC, DOWNLOAD_MD5 as CIFAR10_MD5, FOLDER_NAME as CIFAR10_FOLDER, IMAGE_BYTES as CIFAR10_IMAGE_BYTES,
  META_FILE as CIFAR10_META_FILE, RECORD_BYTES as CIFAR10_RECORD_BYTES, RECORDS_PER_BATCH as CIFAR10_RECORDS_PER_BATCH,
  TEST_FILE as CIFAR10_TEST_FILE, TRAIN_FILES as CIFAR10_TRAIN_FILES,
} from './data/layout.ts';
export { FASHION_MNIST_FILES, FASHION_MNIST_SPEC } from './data/datasets/fashion-mnist-layout.ts';
export { ARCHS, DATA_VARIANTS, DEFAULT_CONFIG, MAX_SEED, MAX_SEEDS, type StudyConfig } from './config/study-config.ts';
export { definitionsFromText, splitLossList } from './config/loss-lines.ts';

// The training loop and the results format, as the Train page trains and writes a study.
export { createGpuEngineFactory } from './engine/gpu-engine.ts';
export type { EngineFactory, EpochStats, EvalStats, GroupEngine, RunSpec } from './engine/types.ts';
export { expandGrid, runFiles, runSpec, type Cell } from './study/grid.ts';
export { formatCsv, isDiverged, rowFromStats, type CsvRow } from './study/csv-format.ts';
export { finalJson } from './study/final-json.ts';
export { decodeState, encodeState, type LastEval } from './study/state-format.ts';
export { panelIndices, saliencyJson } from './study/saliency-json.ts';
export { newStudyJson, refreshedStudy, type StudyJson } from './study/study-json.ts';
export type { RunStatus } from './study/status.ts';
