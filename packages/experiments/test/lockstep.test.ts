/**
 * Lockstep is exact: every run of a study trained in lockstep groups writes the same files as the
 * same run trained alone — results CSV but for `seconds`, state file, confusion, calibration,
 * saliency and final.json — here for a group mixing every built-in loss, two data variants (clean
 * and 40% label noise) and ResNet-8 with BatchNorm (train- and eval-mode statistics, residual sums),
 * on a small synthetic data set with an epoch whose last batch is short. The check is shown failing
 * when one member's seed is swapped with another's.
 */
import { existsSync } from 'node:fs';
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
import { decodeState } from '../src/study/state.ts';
import { runSpec } from '../src/study/grid.ts';
import type { LockstepSetting } from '../src/study/groups.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();

/** 68 training images (batches 32, 32, 4) and 20 test images of 3×size×size, 10 classes, from a fixed hash. */
function smallDataset(size: number): Dataset {
  const px = (n: number, salt: number) => Uint8Array.from({ length: n * 3 * size * size }, (_, i) => (Math.imul(i + salt, 2654435761) >>> 24) & 255);
  const lab = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7) % 10);
  return datasetFromArrays({
    train: { images: px(68, 1), labels: lab(68) },
    test: { images: px(20, 2), labels: lab(20) },
    spec: { height: size, width: size },
  });
}

/** Every built-in loss; a parameter without a default gets a value inside its range. */
const LOSSES = LOSS_DEFINITIONS.map((d) => {
  const missing = Object.entries(d.params ?? {}).filter(([, r]) => r.default === undefined);
  const value = (r: { min?: number; max?: number; integer?: boolean }) => (r.integer ? 2 : r.min !== undefined && r.max !== undefined ? (r.min + r.max) / 2 : (r.min ?? 0) + 1.5);
  return missing.length ? `${d.name}:${missing.map(([k, r]) => `${k}=${value(r)}`).join(',')}` : d.name;
});
const config = validateConfig({
  ...DEFAULT_CONFIG, name: 'lockstep', losses: LOSSES, seeds: [3], data: ['clean', 'noise40'], arch: ['resnet8'], epochs: 2, evalEvery: 1,
  batchSize: 32, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, nesterov: true, schedule: { type: 'step', stepSize: 1, gamma: 0.5 }, trainSubset: null,
});
const META = { versions: { losslab: 'test', node: process.version, webgpu: null }, gitCommit: null, classNames: Array.from({ length: 10 }, (_, i) => `c${i}`) };

let device: Awaited<ReturnType<typeof openDevice>>;
let factory: EngineFactory; // ResNet-8 on 8×8 images
let convnets: EngineFactory; // the default study's ConvNet on 32×32 images
beforeAll(async () => {
  device = await openDevice(() => {});
  factory = createGpuEngineFactory({ device, dataset: smallDataset(8) });
  convnets = createGpuEngineFactory({ device, dataset: smallDataset(32) });
}, 60_000);
afterAll(() => {
  factory?.dispose();
  convnets?.dispose();
  device?.device.destroy();
});

/** Runs the grid of `c`; with lockstep on, checks that all its cells trained as one group (the runner says so). */
async function study(lockstep: LockstepSetting, f: EngineFactory = factory, c = config): Promise<{ dir: string; cells: Cell[] }> {
  const dir = join(await tmp(), 's');
  const cells = expandGrid(c);
  const said: string[] = [];
  const results = await runStudy({ config: c, dir, cells, selection: 'test', resume: false, reporter: { ...silentReporter, info: (l) => said.push(l) }, lockstep }, f, META);
  expect(results.map((r) => r.status)).toEqual(cells.map(() => 'done'));
  if (lockstep !== 'off') expect(said).toContain(`lockstep auto: 1 group: [${cells.map((x) => x.index).join(' ')}]`);
  return { dir, cells };
}

const TIMES = new Set(['createdAt', 'startedAt', 'endedAt', 'seconds']);
const withoutTimes = (v: unknown) => JSON.stringify(v, (k, x) => (TIMES.has(k) ? undefined : x));

/**
 * The files of `cell` that differ between two studies: CSV without `seconds`, final.json without
 * timestamps, the state file's engine bytes and epoch exactly and its last evaluation without its
 * `seconds`, everything else (confusion, calibration, saliency) byte for byte.
 */
async function differing(a: string, b: string, cell: Cell): Promise<string[]> {
  const files = Object.values(runFiles(cell)).filter((f) => !f.endsWith('status.json') && !f.includes('.claim')).map((f) => f.slice(cell.dir.length + 1));
  const out: string[] = [];
  for (const f of files) {
    const [x, y] = await Promise.all([readFile(join(a, cell.dir, f)).catch(() => null), readFile(join(b, cell.dir, f)).catch(() => null)]);
    if (!x || !y) {
      if (x || y) out.push(`${f} (in one study only)`);
      continue;
    }
    let same: boolean;
    if (f.endsWith('state.bin')) {
      const [p, q] = [decodeState(new Uint8Array(x), f), decodeState(new Uint8Array(y), f)];
      same = p.epoch === q.epoch && Buffer.from(p.engine).equals(Buffer.from(q.engine)) && withoutTimes(p.lastEval) === withoutTimes(q.lastEval);
    } else if (f.endsWith('.csv')) {
      const strip = (t: Buffer) => JSON.stringify(parseCsv(t.toString('utf8')).map(({ seconds: _s, ...r }) => r));
      same = strip(x) === strip(y);
    } else if (f.endsWith('final.json')) {
      same = withoutTimes(JSON.parse(x.toString())) === withoutTimes(JSON.parse(y.toString()));
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
    const f0 = runFiles(cells[0]);
    for (const p of [f0.csv, f0.state, f0.final, f0.saliency]) expect(existsSync(join(together, p)), p).toBe(true);
    const diffs: string[] = [];
    for (const c of cells) for (const f of await differing(together, alone, c)) diffs.push(`${c.id}: ${f}`);
    expect(diffs).toEqual([]);
    // Not trivially equal: the runs differ from each other.
    const csv = async (c: Cell) => readFile(join(together, runFiles(c).csv), 'utf8');
    expect(new Set(await Promise.all(cells.map(csv))).size).toBe(cells.length);
  }, 600_000);

  it('the default study\'s ConvNet (fused conv → ReLU → pool layers): 4 losses × 2 seeds in one group, identical to each run alone', async () => {
    const cnn = validateConfig({ ...config, losses: ['ce', 'focal:0.5', 'focal:2', 'l1'], seeds: [0, 1], data: ['clean'], arch: ['convnet'], nesterov: false });
    const { dir: one, cells: eight } = await study('off', convnets, cnn);
    const { dir: group } = await study('auto', convnets, cnn);
    const diffs: string[] = [];
    for (const c of eight) for (const f of await differing(group, one, c)) diffs.push(`${c.id}: ${f}`);
    expect(diffs).toEqual([]);
  }, 600_000);

  it('the same check fails when one member trains with another seed', async () => {
    // Four runs (two losses × two variants), alone and in one group whose second member's seed the engine changes.
    const small = validateConfig({ ...config, losses: ['ce', 'focal:2'] });
    const swapped: EngineFactory = {
      ...factory,
      createGroup: (specs) => factory.createGroup!(specs.map((s, k) => (k === 1 ? { ...s, seed: s.seed + 1 } : s))),
    };
    const { dir: one, cells: four } = await study('off', factory, small);
    const { dir: bad } = await study('auto', swapped, small);
    const wrong: string[] = [];
    for (const c of four) if ((await differing(bad, one, c)).length) wrong.push(c.id);
    expect(wrong).toEqual([four[1].id]);
  }, 600_000);
});

