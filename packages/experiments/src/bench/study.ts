/**
 * `losslab bench --study`: the default study's runs (every loss × seed of DEFAULT_CONFIG) for a few
 * epochs on a training subset, measured four ways in alternation (A B C D, A B C D, … so a load
 * that drifts hits every way alike), scaled to the study's epochs × the full data set:
 *   A  LossLab in lockstep (factory.createGroup; without it, the runs one after another, and said so)
 *   B  LossLab one run at a time (createRun per run: how the study trains without lockstep)
 *   C  PyTorch one run at a time (the founding study's loop, reference/torch_study.py --mode runs)
 *   D  PyTorch with functorch's vmap ensemble, one ensemble per loss (--mode vmap)
 * Prints seconds per run-epoch, device memory per run and the study's wall time for each way, and
 * the ratios against the goals (goals.ts).
 */
import { groupOfRuns } from '../engine/group-of-runs.ts';
import type { EngineFactory, GroupEngine, RunEngine, RunSpec } from '../engine/types.ts';
import { GOALS, formatGoals, type GoalLine } from './goals.ts';
import type { TorchStudy } from './torch.ts';

export type WayKey = 'A' | 'B' | 'C' | 'D';

/** One way's measurement in one round: wall seconds summed over the runs and epochs. */
export interface WayRound {
  setupSeconds: number; // creating the runs (planning, allocation, initial weights)
  trainSeconds: number;
  evalSeconds: number;
  runEpochs: number; // runs × epochs measured
  memoryBytesPerRun: number | null;
}

export interface StudyWay {
  key: WayKey;
  label: string;
  /** Said beside the way in the table (a fallback, a grouping). */
  note?: string;
  /** What the memory column means for this way. */
  memoryKind: string;
  measure(round: number, log: (s: string) => void): Promise<WayRound>;
}

export interface StudyScale {
  trainImages: number; // measured per epoch
  testImages: number; // evaluated per epoch
  fullTrain: number; // the study's
  fullTest: number;
  studyEpochs: number;
  studyRuns: number;
}

export interface WayFigures {
  key: WayKey;
  label: string;
  note?: string;
  rounds: WayRound[];
  /** Medians over the rounds, scaled to the full data set. */
  secondsPerRunEpoch: number;
  trainPerRunEpoch: number;
  evalPerRunEpoch: number;
  setupSeconds: number;
  studySeconds: number;
  memoryBytesPerRun: number | null;
  memoryKind: string;
}

export interface StudyBenchReport {
  scale: StudyScale;
  ways: WayFigures[];
  skipped: { key: WayKey; label: string; why: string }[];
  /** Lockstep factory present (false: way A is the runs one after another). */
  lockstep: boolean;
  goals: GoalLine[];
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const now = () => performance.now() / 1000;

/** The study's runs split into lockstep groups of at most the factory's maximum (all of them when it states none). */
export function lockstepGroups(factory: EngineFactory, specs: RunSpec[]): RunSpec[][] {
  const max = Math.max(1, factory.maxGroupSize?.(specs[0]) ?? specs.length);
  const out: RunSpec[][] = [];
  for (let i = 0; i < specs.length; i += max) out.push(specs.slice(i, i + max));
  return out;
}

const runName = (s: RunSpec) => `${s.loss}, seed ${s.seed}`;

const emptyRound = (): WayRound => ({ setupSeconds: 0, trainSeconds: 0, evalSeconds: 0, runEpochs: 0, memoryBytesPerRun: null });

/** Creates a run or a group of `members`, adding the time to `r` and the bytes it allocated per member to `memory`. */
async function timeCreate<T>(r: WayRound, memory: number[], members: number, allocatedBytes: (() => number) | undefined, create: () => Promise<T>): Promise<T> {
  const t = now();
  const b0 = allocatedBytes?.() ?? 0;
  const x = await create();
  r.setupSeconds += now() - t;
  if (allocatedBytes) memory.push((allocatedBytes() - b0) / members);
  return x;
}

/** Trains `x` (a run or a group of `members`) for `epochs` epochs, each followed by its evaluation, adding their wall times to `r`. */
async function timeEpochs(x: Pick<RunEngine, 'trainEpoch' | 'evaluate'> | GroupEngine, epochs: number, members: number, r: WayRound,
  onEpoch?: (epoch: number, train: number, ev: number) => void): Promise<void> {
  if (!x.evaluate) throw new Error('bench --study: this engine cannot evaluate apart from training');
  for (let e = 1; e <= epochs; e++) {
    let t = now();
    await x.trainEpoch(e, false);
    const train = now() - t;
    t = now();
    await x.evaluate();
    const ev = now() - t;
    r.trainSeconds += train;
    r.evalSeconds += ev;
    r.runEpochs += members;
    onEpoch?.(e, train, ev);
  }
}

/**
 * Ways A and B on one engine factory. `allocatedBytes`: bytes of device buffers created so far
 * (the kernel context's counter); its growth while runs are created is their memory.
 */
export function losslabWays(factory: EngineFactory, specs: RunSpec[], allocatedBytes?: () => number): StudyWay[] {
  const lockstep = typeof factory.createGroup === 'function';
  const epochs = specs[0].epochs;
  const memoryKind = allocatedBytes ? 'device buffers allocated per run (the shared data set not counted)' : 'not measured';
  const groups = lockstepGroups(factory, specs);
  const a: StudyWay = {
    key: 'A',
    label: 'LossLab lockstep',
    note: lockstep
      ? `${groups.length} group${groups.length === 1 ? '' : 's'} of ${groups.map((g) => g.length).join(' + ')} runs`
      : 'lockstep not available in this build: measured as the runs one after another (groupOfRuns)',
    memoryKind,
    async measure(round, log) {
      const r = emptyRound();
      const memory: number[] = [];
      for (const [k, specsOfGroup] of groups.entries()) {
        const g = await timeCreate(r, memory, specsOfGroup.length, allocatedBytes,
          () => (lockstep ? factory.createGroup!(specsOfGroup) : groupOfRuns(factory, specsOfGroup)));
        try {
          await timeEpochs(g, epochs, specsOfGroup.length, r, (e, train, ev) =>
            log(`  A round ${round}: group ${k + 1}/${groups.length} epoch ${e}/${epochs}: ${specsOfGroup.length} runs trained in ${train.toFixed(2)} s, evaluated in ${ev.toFixed(2)} s`));
        } finally {
          g.dispose();
        }
      }
      r.memoryBytesPerRun = memory.length ? median(memory) : null;
      return r;
    },
  };
  const b: StudyWay = {
    key: 'B',
    label: 'LossLab one run at a time',
    memoryKind,
    async measure(round, log) {
      const r = emptyRound();
      const memory: number[] = [];
      for (const [k, spec] of specs.entries()) {
        const run = await timeCreate(r, memory, 1, allocatedBytes, () => factory.createRun(spec));
        const t = now();
        try {
          await timeEpochs(run, epochs, 1, r);
        } finally {
          run.dispose();
        }
        log(`  B round ${round}: run ${k + 1}/${specs.length} (${runName(spec)}): ${epochs} epoch${epochs === 1 ? '' : 's'} in ${(now() - t).toFixed(2)} s`);
      }
      r.memoryBytesPerRun = memory.length ? median(memory) : null;
      return r;
    },
  };
  return [a, b];
}

/** Ways C and D: `run` calls torch_study.py (or, in tests, anything shaped like it). */
export function torchWays(run: (mode: 'runs' | 'vmap', onProgress: (line: string) => void) => Promise<TorchStudy>, specs: RunSpec[], threads: number): StudyWay[] {
  const losses = [...new Set(specs.map((s) => s.loss))];
  const cpu = `${threads} CPU thread${threads === 1 ? '' : 's'}`;
  const way = (key: WayKey, mode: 'runs' | 'vmap', label: string, note: string): StudyWay => ({
    key, label, note,
    memoryKind: 'PyTorch on the CPU, an estimate: parameters + gradients + momentum + one batch\'s activations',
    async measure(round, log) {
      const t = await run(mode, (l) => log(`  ${key} round ${round}: ${l}`));
      return { setupSeconds: t.setup_seconds, trainSeconds: t.train_seconds, evalSeconds: t.eval_seconds, runEpochs: t.runs * t.epochs, memoryBytesPerRun: t.memory_bytes_per_run };
    },
  });
  return [
    way('C', 'runs', 'PyTorch one run at a time', cpu),
    way('D', 'vmap', 'PyTorch vmap ensemble', `vmap takes one loss per call: ${losses.length} ensembles by loss × ${specs.length / losses.length} seeds; ${cpu}`),
  ];
}

/** Per-round figures scaled to the study, then the median over rounds. */
export function wayFigures(w: StudyWay, rounds: WayRound[], s: StudyScale): WayFigures {
  const trainScale = s.fullTrain / s.trainImages;
  const evalScale = s.fullTest / s.testImages;
  const train = rounds.map((r) => (r.trainSeconds / r.runEpochs) * trainScale);
  const ev = rounds.map((r) => (r.evalSeconds / r.runEpochs) * evalScale);
  const perRunEpoch = rounds.map((_, i) => train[i] + ev[i]);
  const setup = median(rounds.map((r) => r.setupSeconds));
  const mem = rounds.map((r) => r.memoryBytesPerRun).filter((m): m is number => m !== null);
  const secondsPerRunEpoch = median(perRunEpoch);
  return {
    key: w.key, label: w.label, note: w.note, rounds,
    secondsPerRunEpoch, trainPerRunEpoch: median(train), evalPerRunEpoch: median(ev), setupSeconds: setup,
    // Runs are created once per study; every run trains and evaluates every epoch.
    studySeconds: setup + s.studyRuns * s.studyEpochs * secondsPerRunEpoch,
    memoryBytesPerRun: mem.length ? median(mem) : null,
    memoryKind: w.memoryKind,
  };
}

/** The three targets, each from this run's figures: met, not met, or not judged (a way not measured). */
export function studyGoals(ways: WayFigures[], lockstep: boolean, skipped: StudyBenchReport['skipped']): GoalLine[] {
  const by = (k: WayKey) => ways.find((w) => w.key === k);
  const missing = (k: WayKey) => skipped.find((x) => x.key === k)?.why ?? `way ${k} not measured`;
  const [a, b, c, d] = (['A', 'B', 'C', 'D'] as const).map(by);
  const lines: GoalLine[] = [];
  const speedWhat = `A/B: lockstep throughput ≥ ${GOALS.studyLockstepSpeedup}× LossLab one run at a time`;
  if (!a || !b) lines.push({ id: 1, what: speedWhat, measured: missing(!a ? 'A' : 'B'), met: null });
  else {
    const x = b.secondsPerRunEpoch / a.secondsPerRunEpoch;
    lines.push({ id: 1, what: speedWhat, measured: `${x.toFixed(2)}×${lockstep ? '' : ' (lockstep not available in this build)'}`, met: x >= GOALS.studyLockstepSpeedup });
  }
  const wall = (id: number, other: WayFigures | undefined, k: WayKey, goal: number, what: string): GoalLine => {
    const w = `A/${k}: study wall time ≤ ${goal.toFixed(1)}× ${what}`;
    if (!a || !other) return { id, what: w, measured: missing(!a ? 'A' : k), met: null };
    const x = a.studySeconds / other.studySeconds;
    return { id, what: w, measured: `${x.toFixed(2)}×`, met: x <= goal };
  };
  lines.push(wall(2, c, 'C', GOALS.studyVsTorch, 'PyTorch one run at a time'));
  lines.push(wall(3, d, 'D', GOALS.studyVsVmap, 'PyTorch vmap ensemble'));
  return lines;
}

export function formatDuration(s: number): string {
  if (s < 120) return `${s.toFixed(1)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(2)} h`;
}

const mib = (b: number | null) => (b === null ? 'n/a' : `${(b / 1048576).toFixed(2)} MiB`);

/** The four-way table, the memory column's meaning, the skipped ways, and the goals. */
export function studyTable(r: StudyBenchReport): string {
  const head = ['way', 's/run-epoch', 'train', 'eval', 'setup s', 'study (scaled)', 'memory/run'];
  const rows = r.ways.map((w) => [
    `${w.key} ${w.label}`, w.secondsPerRunEpoch.toFixed(3), w.trainPerRunEpoch.toFixed(3), w.evalPerRunEpoch.toFixed(3),
    w.setupSeconds.toFixed(2), formatDuration(w.studySeconds), mib(w.memoryBytesPerRun),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i].length)));
  const line = (xs: string[]) => '  ' + xs.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  const out = [line(head), ...rows.map(line)];
  for (const w of r.ways) if (w.note) out.push(`  ${w.key}: ${w.note}`);
  for (const s of r.skipped) out.push(`  ${s.key} ${s.label}: SKIPPED (${s.why})`);
  const kinds = [...new Set(r.ways.map((w) => w.memoryKind))];
  for (const k of kinds) out.push(`  memory/run of ${r.ways.filter((w) => w.memoryKind === k).map((w) => w.key).join(', ')}: ${k}`);
  out.push('goals:', formatGoals(r.goals));
  return out.join('\n');
}

/** Measures every way `rounds` times in alternation (A B C D, A B C D, …) and returns the figures. */
export async function runStudyBench(ways: StudyWay[], skipped: StudyBenchReport['skipped'], lockstep: boolean, scale: StudyScale, rounds: number,
  log: (s: string) => void): Promise<StudyBenchReport> {
  const measured = new Map<WayKey, WayRound[]>(ways.map((w) => [w.key, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const w of ways) {
      log(`round ${round}/${rounds}: ${w.key} ${w.label}…`);
      const t = now();
      measured.get(w.key)!.push(await w.measure(round, log));
      log(`round ${round}/${rounds}: ${w.key} ${w.label} done in ${(now() - t).toFixed(1)} s`);
    }
  }
  const figures = ways.map((w) => wayFigures(w, measured.get(w.key)!, scale));
  return { scale, ways: figures, skipped, lockstep, goals: studyGoals(figures, lockstep, skipped) };
}
