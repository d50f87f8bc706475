// `losslab bench --study`: the four ways' figures and the ratios come from what was measured (fixed
// numbers in, the table's and the goals' numbers out), LossLab's ways drive a factory as the study
// does (lockstep when the factory has it, and say so when it has not), and PyTorch's ways run
// reference/torch_study.py (skipped visibly without python3 torch). No timing is asserted.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { losslabWays, runStudyBench, studyTable, torchWays, wayFigures, type StudyScale, type StudyWay, type WayRound } from '../src/bench/study.ts';
import { defaultStudySpecs } from '../src/bench/study-run.ts';
import { syntheticCifar, writeCifarDir } from '../src/bench/synthetic.ts';
import { torchAvailable, torchStudy, type TorchStudy } from '../src/bench/torch.ts';
import type { EngineFactory, EpochStats, EvalStats, GroupEngine, RunEngine, RunSpec } from '../src/engine/types.ts';
import { captureCli } from './helpers/cli.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();
const torch = await torchAvailable('torch, numpy, functorch');
if (!torch) console.warn('[experiments] bench --study PyTorch test skipped: no python3 with torch and functorch (SETUP_TORCH=1 bash scripts/setup.sh)');

const scale: StudyScale = { trainImages: 500, testImages: 1000, fullTrain: 50_000, fullTest: 10_000, studyEpochs: 30, studyRuns: 12 };

/** A way that reports fixed numbers per round. */
function fixedWay(key: StudyWay['key'], rounds: WayRound[]): StudyWay {
  let i = 0;
  return { key, label: `way ${key}`, memoryKind: 'test bytes', measure: async () => rounds[i++] };
}
const round = (setup: number, train: number, ev: number, mem: number | null = 1 << 20): WayRound =>
  ({ setupSeconds: setup, trainSeconds: train, evalSeconds: ev, runEpochs: 24, memoryBytesPerRun: mem });

describe('bench --study figures', () => {
  it('scales each way to the study, takes medians over rounds, and computes the three ratios from them', async () => {
    const ways = [
      fixedWay('A', [round(1, 2.4, 0.24), round(1, 3.6, 0.24), round(2, 1.2, 0.24)]),
      fixedWay('B', [round(1, 12, 1.2), round(1, 12, 1.2), round(1, 12, 1.2)]),
      fixedWay('C', [round(0, 24, 2.4), round(0, 24, 2.4), round(0, 24, 2.4)]),
      fixedWay('D', [round(0, 2, 0.2), round(0, 2, 0.2), round(0, 2, 0.2)]),
    ];
    const log: string[] = [];
    const r = await runStudyBench(ways, [], true, scale, 3, (s) => log.push(s));
    // Alternating: A B C D, three times.
    expect(log.filter((l) => l.endsWith('…')).map((l) => l.split(': ')[1][0]).join('')).toBe('ABCDABCDABCD');
    const [a, b, c, d] = r.ways;
    // A: train per run-epoch 2.4/24 × 100 = 10 (median of 10, 15, 5), eval 0.24/24 × 10 = 0.1; setup median 1.
    expect(a.trainPerRunEpoch).toBeCloseTo(10, 9);
    expect(a.evalPerRunEpoch).toBeCloseTo(0.1, 9);
    expect(a.secondsPerRunEpoch).toBeCloseTo(10.1, 9);
    expect(a.studySeconds).toBeCloseTo(1 + 12 * 30 * 10.1, 6);
    expect(b.secondsPerRunEpoch).toBeCloseTo(50.5, 9);
    expect(r.goals.map((g) => g.measured)).toEqual([
      `${(b.secondsPerRunEpoch / a.secondsPerRunEpoch).toFixed(2)}×`,
      `${(a.studySeconds / c.studySeconds).toFixed(2)}×`,
      `${(a.studySeconds / d.studySeconds).toFixed(2)}×`,
    ]);
    expect(r.goals.map((g) => g.met)).toEqual([true, true, false]); // 5.00×; 0.10×; 1.20×
    const table = studyTable(r);
    expect(table).toMatch(/A way A\s+10\.100\s+10\.000\s+0\.100\s+1\.00\s+60\.6 min\s+1\.00 MiB/);
    expect(table).toContain('5.00×');
    expect(table).toMatch(/A\/D: study wall time ≤ 1\.0× .*1\.20×\s+not met/);
  });

  it('a way not measured leaves its ratio not judged and is named with the reason', async () => {
    const ways = [fixedWay('A', [round(0, 1, 0)]), fixedWay('B', [round(0, 1, 0, null)])];
    const skipped = [{ key: 'C' as const, label: 'PyTorch one run at a time', why: 'python3 with torch and numpy not found' },
      { key: 'D' as const, label: 'PyTorch vmap ensemble', why: 'python3 with torch and numpy not found' }];
    const r = await runStudyBench(ways, skipped, true, scale, 1, () => {});
    const table = studyTable(r);
    expect(table).toContain('C PyTorch one run at a time: SKIPPED (python3 with torch and numpy not found)');
    expect(r.goals.slice(1).map((g) => [g.measured, g.met])).toEqual([['python3 with torch and numpy not found', null], ['python3 with torch and numpy not found', null]]);
    expect(table).toMatch(/way B .* n\/a/);
  });

  it('PyTorch ways map torch_study.py\'s summary to a round and name the vmap grouping', async () => {
    const specs = defaultStudySpecs(2, null);
    const modes: string[] = [];
    const fake = async (mode: 'runs' | 'vmap', progress: (l: string) => void): Promise<TorchStudy> => {
      modes.push(mode);
      progress('halfway');
      return { mode, runs: 12, epochs: 2, train_images: 500, test_images: 1000, setup_seconds: 0.5, train_seconds: 6, eval_seconds: 1, groups: [], memory_bytes_per_run: 123, memory_kind: '', threads: 2, torch: 'x' };
    };
    const [c, d] = torchWays(fake, specs, 2);
    const log: string[] = [];
    expect(await c.measure(1, (s) => log.push(s))).toEqual({ setupSeconds: 0.5, trainSeconds: 6, evalSeconds: 1, runEpochs: 24, memoryBytesPerRun: 123 });
    await d.measure(2, (s) => log.push(s));
    expect(modes).toEqual(['runs', 'vmap']);
    expect(log).toEqual(['  C round 1: halfway', '  D round 2: halfway']);
    expect(d.note).toContain('4 ensembles by loss × 3 seeds');
  });
});

/** A factory whose runs and groups record what the bench asks of them; each creation "allocates" bytes. */
function recordingFactory(withGroups: boolean) {
  const calls: string[] = [];
  let bytes = 0;
  const stats = (epoch: number): EpochStats => ({ epoch, lr: 0.01, trainLoss: 1, trainAcc: 0.5, trainSeconds: 0 });
  const evalStats: EvalStats = { testLoss: 1, testNll: 1, testAcc: 0.5, confusion: [], calibration: [], seconds: 0 };
  const run = (s: RunSpec): RunEngine => ({
    stepsPerEpoch: 4,
    trainEpoch: async (e, evaluate) => (calls.push(`run ${s.loss}/${s.seed} epoch ${e}${evaluate ? ' +eval' : ''}`), stats(e)),
    evaluate: async () => (calls.push(`run ${s.loss}/${s.seed} evaluate`), evalStats),
    saveState: async () => new Uint8Array(),
    loadState: async () => {},
    dispose: () => calls.push(`run ${s.loss}/${s.seed} dispose`),
  });
  const factory: EngineFactory = {
    adapter: {},
    createRun: async (s) => ((bytes += 1000), run(s)),
    maxGroupSize: () => 5,
    dispose: () => {},
  };
  if (withGroups) {
    factory.createGroup = async (specs): Promise<GroupEngine> => {
      bytes += 600 * specs.length;
      calls.push(`group of ${specs.length}`);
      return {
        specs, stepsPerEpoch: 4,
        trainEpoch: async (e, evaluate) => (calls.push(`group epoch ${e}${evaluate ? ' +eval' : ''}`), specs.map(() => stats(e))),
        evaluate: async () => (calls.push('group evaluate'), specs.map(() => evalStats)),
        saveState: async () => new Uint8Array(), loadState: async () => {},
        dispose: () => calls.push('group dispose'),
      };
    };
  }
  return { factory, calls, bytes: () => bytes };
}

describe('bench --study LossLab ways', () => {
  it('A trains lockstep groups of at most maxGroupSize, B one run after another; memory per run from the allocation counter', async () => {
    const { factory, calls, bytes } = recordingFactory(true);
    const specs = defaultStudySpecs(2, null);
    const [a, b] = losslabWays(factory, specs, bytes);
    expect(a.note).toBe('3 groups of 5 + 5 + 2 runs');
    const ra = await a.measure(1, () => {});
    expect(calls.filter((c) => c.startsWith('group of'))).toEqual(['group of 5', 'group of 5', 'group of 2']);
    expect(calls.slice(0, 6)).toEqual(['group of 5', 'group epoch 1', 'group evaluate', 'group epoch 2', 'group evaluate', 'group dispose']);
    expect(ra.runEpochs).toBe(24);
    expect(ra.memoryBytesPerRun).toBe(600);
    calls.length = 0;
    const rb = await b.measure(1, () => {});
    expect(calls.slice(0, 5)).toEqual(['run ce/0 epoch 1', 'run ce/0 evaluate', 'run ce/0 epoch 2', 'run ce/0 evaluate', 'run ce/0 dispose']);
    expect(calls.filter((c) => c.endsWith('dispose'))).toHaveLength(12);
    expect(rb.runEpochs).toBe(24);
    expect(rb.memoryBytesPerRun).toBe(1000);
    for (const r of [ra, rb]) for (const t of [r.setupSeconds, r.trainSeconds, r.evalSeconds]) expect(t).toBeGreaterThanOrEqual(0);
  });

  it('without createGroup, A is the runs one after another and the table and the goal say lockstep is not available', async () => {
    const { factory, calls } = recordingFactory(false);
    const specs = defaultStudySpecs(1, null);
    const ways = losslabWays(factory, specs);
    expect(ways[0].note).toMatch(/^lockstep not available in this build/);
    const r = await runStudyBench(ways, [], false, scale, 1, () => {});
    expect(calls.filter((c) => c.startsWith('group'))).toEqual([]);
    expect(calls.filter((c) => c.endsWith('evaluate'))).toHaveLength(24); // 12 in A, 12 in B
    const table = studyTable(r);
    expect(table).toContain('A: lockstep not available in this build');
    expect(r.goals[0].measured).toContain('(lockstep not available in this build)');
    expect(table).toContain('memory/run of A, B: not measured');
  });

  it('the default study\'s runs: 4 losses × 3 seeds with its batch size, lr and schedule', () => {
    const specs = defaultStudySpecs(3, 2048);
    expect(specs.map((s) => `${s.loss}/${s.seed}`)).toEqual(['ce/0', 'ce/1', 'ce/2', 'focal:0.5/0', 'focal:0.5/1', 'focal:0.5/2', 'focal:2/0', 'focal:2/1', 'focal:2/2', 'l1/0', 'l1/1', 'l1/2']);
    expect(specs.every((s) => s.epochs === 3 && s.trainSubset === 2048 && s.batchSize === 64 && s.lr === 0.01 && s.arch === 'convnet')).toBe(true);
  });
});

describe('bench --study flags', () => {
  it('rejects the plain bench\'s flags with --study, and --study\'s flags without it, in one line', async () => {
    for (const [args, msg] of [
      [['--study', '--arch', 'convnet'], '--arch does not apply to --study'],
      [['--study', '--no-kernels'], '--no-kernels does not apply to --study'],
      [['--test-images', '100'], '--test-images is for --study'],
      [['--study', '--test-images', '20000'], '--test-images: at most 10000'],
      [['--study', '--synthetic', '--cifar10'], '--synthetic and --cifar10 ask for different data'],
    ] as const) {
      const r = await captureCli(['bench', ...args]);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.err).toContain(msg);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe.skipIf(!torch)('bench --study PyTorch (reference/torch_study.py)', () => {
  it('trains the runs one at a time and as vmap ensembles grouped by loss, and reports its timings', async () => {
    const dir = writeCifarDir(join(await tmp(), 'cifar'), syntheticCifar({ train: 96, test: 20 }));
    const specs = defaultStudySpecs(1, null).filter((s) => (s.loss === 'ce' || s.loss === 'l1') && s.seed < 2);
    const progress: string[] = [];
    const runs = await torchStudy(dir, { mode: 'runs', specs, threads: 1, trainSubset: 0, testSubset: 10 }, (l) => progress.push(l));
    expect(runs).toMatchObject({ runs: 4, epochs: 1, train_images: 96, test_images: 10, groups: [['ce_s0'], ['ce_s1'], ['l1_s0'], ['l1_s1']] });
    expect(progress).toHaveLength(4);
    const vmap = await torchStudy(dir, { mode: 'vmap', specs, threads: 1, trainSubset: 64, testSubset: 0 }, () => {});
    expect(vmap).toMatchObject({ runs: 4, train_images: 64, test_images: 20, groups: [['ce_s0', 'ce_s1'], ['l1_s0', 'l1_s1']] });
    for (const r of [runs, vmap]) {
      expect(r.train_seconds).toBeGreaterThan(0);
      expect(r.memory_bytes_per_run).toBeGreaterThan(0);
    }
  }, 120_000);
});
