/**
 * A deterministic fake EngineFactory: numbers depend only on (loss, seed, data, arch, epoch) and the
 * state carried across epochs, so a resumed run must reproduce an uninterrupted one exactly.
 */
import { lrSchedule } from '@losslab/nn';
import type { EngineFactory, EpochStats, RunEngine, RunSpec, SaliencyItem, StepProgress } from '../../src/engine/types.ts';
import { groupOfRuns } from '../../src/engine/group-of-runs.ts';

export interface FakeOptions {
  /** Loss name → epoch whose training loss is NaN. */
  divergeAt?: Record<string, number>;
  /** Throws (like a crash) when this run id-ish key reaches the epoch: `${loss}_s${seed}` → epoch. */
  failAt?: Record<string, number>;
  steps?: number;
  /** Wall time per training step (tests with a second process or a signal need a run that takes a while). */
  stepMs?: number;
  testSize?: number;
  /** Records every createRun call. */
  created?: RunSpec[];
  /** An engine without saliency (as third-party engines may be). */
  noSaliency?: boolean;
  /** loadState() throws (a state the engine cannot use). */
  loadFails?: boolean;
  /** saliency() throws. */
  saliencyFails?: boolean;
  /** Groups of at most this many compatible runs (same arch and batch size) train as one (groupOfRuns), as a lockstep engine's would. */
  lockstep?: number;
  /** Records every group created (the specs' losses and seeds). */
  groups?: string[][];
}

/** The fake test set's labels: i mod 10. */
export const fakeTestLabels = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 10);

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h / 4294967296;
}

class FakeRun implements RunEngine {
  readonly stepsPerEpoch: number;
  private epoch = 0;
  private w: number;
  constructor(private readonly spec: RunSpec, private readonly o: FakeOptions) {
    this.stepsPerEpoch = o.steps ?? 4;
    this.w = hash(`${spec.loss}|${spec.seed}|${spec.data}|${spec.arch}`);
  }

  async trainEpoch(epoch: number, evaluate: boolean, onProgress?: (p: StepProgress) => void): Promise<EpochStats> {
    if (epoch !== this.epoch + 1) throw new Error(`fake engine: asked for epoch ${epoch} after ${this.epoch}`);
    const key = `${this.spec.loss}_s${this.spec.seed}`;
    if (this.o.failAt?.[key] === epoch) throw new Error(`fake crash in ${key} at epoch ${epoch}`);
    for (let s = 1; s <= this.stepsPerEpoch; s++) {
      if (this.o.stepMs) await new Promise((r) => setTimeout(r, this.o.stepMs));
      onProgress?.({ step: s, steps: this.stepsPerEpoch });
    }
    this.w = (this.w * 7.31 + 0.123) % 1;
    this.epoch = epoch;
    const lr = lrSchedule(this.spec.lr, this.spec.schedule).lrAt(epoch - 1);
    const diverged = this.o.divergeAt?.[this.spec.loss] === epoch;
    const acc = Math.min(0.95, 0.3 + 0.05 * epoch + 0.02 * this.w);
    const stats: EpochStats = { epoch, lr, trainLoss: diverged ? NaN : 2 / (epoch + 1) + 0.01 * this.w, trainAcc: acc, trainSeconds: 1.5 };
    if (evaluate) {
      const n = (this.o.testSize ?? 100) / 10;
      const correct = Math.round(n * acc);
      const confusion = Array.from({ length: 10 }, (_, t) => Array.from({ length: 10 }, (_, p) => (p === t ? correct : p === (t + 1) % 10 ? n - correct : 0)));
      const calibration = Array.from({ length: 15 }, (_, b) => (b === 10 ? { count: 10 * n, confidenceSum: 10 * n * (0.7 + 0.01 * this.w), correct: 10 * correct } : { count: 0, confidenceSum: 0, correct: 0 }));
      stats.eval = { testLoss: diverged ? NaN : 1.8 / (epoch + 1) + 0.02 * this.w, testNll: 1.5 / epoch + 0.01 * this.w, testAcc: correct / n, confusion, calibration, seconds: 0.5 };
    }
    return stats;
  }

  async saveState(): Promise<Uint8Array> {
    const b = new Float64Array([this.epoch, this.w]);
    return new Uint8Array(b.buffer);
  }

  async loadState(state: Uint8Array): Promise<void> {
    if (this.o.loadFails) throw new Error('fake engine: cannot load this state');
    const b = new Float64Array(state.slice().buffer);
    this.epoch = b[0];
    this.w = b[1];
  }

  async fakeSaliency(indices: number[]): Promise<SaliencyItem[]> {
    if (this.o.saliencyFails) throw new Error('fake saliency failure');
    return indices.map((index) => ({
      index,
      label: index % 10,
      predicted: (index + (this.w > 0.5 ? 1 : 0)) % 10,
      grad: Float32Array.from({ length: 3072 }, (_, k) => Math.sin(k * 0.37 + index + this.w) * (k % 3 === 0 ? 2 : 1)),
      image: Uint8Array.from({ length: 3072 }, (_, k) => (k * 7 + index * 13) % 256),
    }));
  }

  dispose(): void {}
}

export function fakeFactory(o: FakeOptions = {}): EngineFactory {
  const f: EngineFactory = {
    adapter: { vendor: 'fake', device: 'deterministic', summary: 'fake engine (tests)' },
    testLabels: fakeTestLabels(o.testSize ?? 100),
    createRun: async (spec) => {
      o.created?.push(spec);
      const run = new FakeRun(spec, o);
      if (!o.noSaliency) (run as RunEngine).saliency = (indices) => run.fakeSaliency(indices);
      return run;
    },
    dispose() {},
  };
  if (o.lockstep) {
    f.lockstepKey = (spec) => `${spec.arch}/${spec.batchSize}`;
    f.maxGroupSize = () => o.lockstep!;
    f.createGroup = (specs) => {
      o.groups?.push(specs.map((s) => `${s.loss}_s${s.seed}`));
      return groupOfRuns(f, specs);
    };
  }
  return f;
}
