export * from './layout.ts';
export { DataError } from './errors.ts';
export { readCifarDir, readClassNames, hasLayout, splitRecords } from './read.ts';
export { downloadCifar10, downloadTo, type DownloadOptions, type DownloadProgress } from './download.ts';
export { loadCifar10, locateCifar10, cacheRoot, type LoadOptions } from './locate.ts';
export { gatherSplit, subset, subsetIndices } from './subset.ts';
export { datasetFromArrays, type ArrayDatasetInput } from './arrays.ts';
