import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validateConfig, DEFAULT_CONFIG, type StudyConfig } from '../../src/config/index.ts';
import { CLASS_NAMES } from '../../src/data/index.ts';
import { expandGrid, runStudy, selectCells, silentReporter, type Cell, type Reporter } from '../../src/study/index.ts';
import { fakeFactory, type FakeOptions } from './fake-engine.ts';

export function smallConfig(over: Partial<StudyConfig> = {}): StudyConfig {
  return validateConfig({ ...DEFAULT_CONFIG, losses: ['ce', 'focal:2', 'l1'], seeds: [0, 1], epochs: 4, schedule: { type: 'step', stepSize: 2, gamma: 0.5 }, ...over });
}

export const META = { versions: { losslab: 'test', node: process.version, webgpu: null }, gitCommit: null, classNames: CLASS_NAMES };

export async function runFake(dir: string, config: StudyConfig, o: { fake?: FakeOptions; resume?: boolean; cells?: Cell[]; reporter?: Reporter } = {}) {
  const cells = o.cells ?? expandGrid(config);
  return runStudy({ config, dir, cells, selection: 'test', resume: !!o.resume, reporter: o.reporter ?? silentReporter }, fakeFactory(o.fake), META);
}

export function shard(config: StudyConfig, s: string): Cell[] {
  return selectCells(expandGrid(config), { shard: s, env: {} }).cells;
}

export const read = (dir: string, p: string) => readFile(join(dir, p), 'utf8');
export const readJson = async (dir: string, p: string) => JSON.parse(await read(dir, p));
