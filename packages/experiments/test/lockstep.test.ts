/**
 * Lockstep is exact: every run of a study trained in lockstep groups writes the same files as the
 * same run trained alone — results CSV but for `seconds`, state file, confusion, calibration,
 * saliency and final.json — here for a group mixing every built-in loss, two data variants (clean
 * and 40% label noise) and ResNet-8 with BatchNorm (train- and eval-mode statistics, residual sums),
 * on a small synthetic data set with an epoch whose last batch is short. The check is shown failing
 * when one member's seed is swapped with another's.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOSS_DEFINITIONS } from '@losslab/kernels';
import { validateConfig, DEFAULT_CONFIG } from '../src/config/index.ts';
import { datasetFromArrays, type Dataset } from '../src/data/index.ts';
import { createGpuEngineFactory } from '../src/engine/gpu-engine.ts';
import type { EngineFactory } from '../src/engine/types.ts';
import { openDevice } from '../src/gpu.ts';
import { expandGrid, parseCsv, runFiles, runStudy, silentReporter, type Cell } from '../src/study/index.ts';
import { runSpec } from '../src/study/grid.ts';
import type { LockstepSetting } from '../src/study/groups.ts';
import { listFiles } from './helpers/compare-studies.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();

/** 100 training images (batches 32, 32, 32, 4) and 40 test images of 3×16×16, 10 classes, from a fixed hash. */
function smallDataset(): Dataset {
  const px = (n: number, salt: number) => Uint8Array.from({ length: n * 768 }, (_, i) => (Math.imul(i + salt, 2654435761) >>> 24) & 255);
  const lab = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7) % 10);
  return datasetFromArrays({
    train: { images: px(100, 1), labels: lab(100) },
    test: { images: px(40, 2), labels: lab(40) },
    spec: { height: 16, width: 16 },
  });
}

const LOSSES = LOSS_DEFINITIONS.map((d) => d.name);
const config = validateConfig({
  ...DEFAULT_CONFIG, name: 'lockstep', losses: LOSSES, seeds: [3], data: ['clean', 'noise40'], arch: ['resnet8'], epochs: 2, evalEvery: 1,
  batchSize: 32, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, nesterov: true, schedule: { type: 'step', stepSize: 1, gamma: 0.5 }, trainSubset: null,
});
const META = { versions: { losslab: 'test', node: process.version, webgpu: null }, gitCommit: null, classNames: Array.from({ length: 10 }, (_, i) => `c${i}`) };

let device: Awaited<ReturnType<typeof openDevice>>;
let factory: EngineFactory;
beforeAll(async () => {
  device = await openDevice(() => {});
  factory = createGpuEngineFactory({ device, dataset: smallDataset() });
}, 60_000);
afterAll(() => {
  factory?.dispose();
  device?.device.destroy();
});

async function study(lockstep: LockstepSetting, f: EngineFactory = factory): Promise<{ dir: string; cells: Cell[] }> {
  const dir = join(await tmp(), 's');
  const cells = expandGrid(config);
  const results = await runStudy({ config, dir, cells, selection: 'test', resume: false, reporter: silentReporter, lockstep }, f, META);
  expect(results.map((r) => r.status)).toEqual(cells.map(() => 'done'));
  return { dir, cells };
}

/** The files of `cell` that differ between two studies (CSV without `seconds`, JSON without timestamps, the rest byte for byte). */
async function differing(a: string, b: string, cell: Cell): Promise<string[]> {
  const files = (await listFiles(join(a, cell.dir))).filter((f) => !f.endsWith('status.json'));
  const out: string[] = [];
  for (const f of files) {
    const [x, y] = await Promise.all([readFile(join(a, cell.dir, f)), readFile(join(b, cell.dir, f))]);
    let same: boolean;
    if (f.endsWith('.csv')) {
      const strip = (t: Buffer) => JSON.stringify(parseCsv(t.toString('utf8')).map(({ seconds: _s, ...r }) => r));
      same = strip(x) === strip(y);
    } else if (f.endsWith('final.json')) {
      const strip = (t: Buffer) => JSON.stringify(JSON.parse(t.toString()), (k, v) => (['createdAt', 'startedAt', 'endedAt'].includes(k) ? undefined : v));
      same = strip(x) === strip(y);
    } else same = x.equals(y);
    if (!same) out.push(f);
  }
  return out;
}

describe('lockstep: each run as if trained alone', () => {
  let alone: string;
  let together: string;
  let cells: Cell[];

  it(`${LOSSES.length} losses × 2 data variants of ResNet-8 in one group: every file identical to the run alone`, async () => {
    expect(factory.maxGroupSize!(runSpec(config, expandGrid(config)[0]))).toBeGreaterThanOrEqual(2 * LOSSES.length);
    ({ dir: alone, cells } = await study('off'));
    ({ dir: together } = await study('auto'));
    const files = await listFiles(join(together, cells[0].dir));
    for (const kind of ['_results.csv', 'state.bin', 'final.json', 'saliency']) expect(files.some((f) => f.includes(kind)), `${kind} in ${files}`).toBe(true);
    const diffs: string[] = [];
    for (const c of cells) for (const f of await differing(together, alone, c)) diffs.push(`${c.id}: ${f}`);
    expect(diffs).toEqual([]);
    // Not trivially equal: the runs differ from each other.
    const csv = async (c: Cell) => readFile(join(together, runFiles(c).csv), 'utf8');
    expect(new Set(await Promise.all(cells.map(csv))).size).toBe(cells.length);
  }, 600_000);

  it('fails when one member trains with another member\'s seed', async () => {
    expect(together, 'the first test ran').toBeTruthy();
    // The same grid, but the engine swaps the seeds of the group's first two members (both at seed 3 here, so a different seed).
    const swapped: EngineFactory = {
      ...factory,
      createRun: factory.createRun,
      createGroup: (specs) => factory.createGroup!(specs.map((s, k) => (k === 1 ? { ...s, seed: s.seed + 1 } : s))),
    };
    const { dir } = await study('auto', swapped);
    const bad: string[] = [];
    for (const c of cells) if ((await differing(dir, alone, c)).length) bad.push(c.id);
    expect(bad).toEqual([cells[1].id]);
  }, 600_000);
});

