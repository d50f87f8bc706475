/** Node-side rendering for `losslab plot` and `losslab report`. */
export { loadFolders, type LoadedFolders } from './load.ts';
export { studyFigures, toPng, writeFigures, type Figure, type FigureOptions } from './figures.ts';
export { reportHtml, writeReport } from './report.ts';
export { groupingOf } from '../data/group.ts';
