/**
 * What the Train page drives: a training backend that takes a study's settings and the data set
 * and trains, reporting per step, per epoch and per run; the page pauses, resumes and stops it.
 * The real one runs the study's one run plan on the page's WebGPU device (connected by
 * registerTrainBackend); a build without one says so and trains nothing.
 */
import type { Dataset } from './data/datasets.ts';
import type { TrainConfig } from './config.ts';

/** A row of `<Label>_results.csv` (docs/results-format.md), null where the epoch has no value. */
export type ResultsRow = Record<'epoch' | 'train_loss' | 'train_acc' | 'test_loss' | 'test_acc' | 'f1' | 'test_nll' | 'ece' | 'lr' | 'seconds', number | null>;

/** One run of the study: its id, loss label and seed as study.json names them. */
export interface RunRef {
  id: string;
  label: string;
  seed: number;
}

export interface StepEvent { run: RunRef; epoch: number; step: number; steps: number }
export interface EpochEvent {
  run: RunRef;
  epoch: number;
  row: ResultsRow;
  /** The study's files this epoch rewrote (the run's CSV, state, status; at a run's end its final.json and saliency), for IndexedDB and the download. */
  files: ReadonlyMap<string, Uint8Array | string>;
  /** The run's state after this epoch (the `_state.bin` bytes), from which a reload resumes. */
  state: Uint8Array;
}
export interface RunEndEvent { run: RunRef; status: 'done' | 'diverged' | 'failed' | 'interrupted'; epochsDone: number; error: string | null }

export interface TrainCallbacks {
  onStep(e: StepEvent): void;
  onEpoch(e: EpochEvent): void | Promise<void>;
  onRunEnd(e: RunEndEvent): void | Promise<void>;
}

export interface TrainHandle {
  /** Pauses after the current step. */
  pause(): void;
  resume(): void;
  /** Stops after the current epoch is committed (as Ctrl-C does in the CLI); resolves when stopped. */
  stop(): Promise<void>;
  /** Settles when every run has ended (or training stopped); rejects on an error outside a run. */
  done: Promise<void>;
}

/** A run to continue: its last committed epoch and state (from IndexedDB), and the study's files as stored with them (the run's CSV up to that epoch, statuses, study.json). */
export interface ResumePoint { epoch: number; state: Uint8Array; files?: ReadonlyMap<string, Uint8Array | string> }

export interface TrainBackend {
  /** What trains, for the page: e.g. the adapter's name. */
  describe(): string;
  /** The study's runs in grid order (study.json's ids, labels and seeds). */
  runs(config: TrainConfig): RunRef[];
  start(config: TrainConfig, data: Dataset, callbacks: TrainCallbacks, resume?: ReadonlyMap<string, ResumePoint>): TrainHandle;
}

let registered: TrainBackend | null = null;

/** Connects the page to a training backend (the real loop registers itself here). */
export function registerTrainBackend(b: TrainBackend | null): void {
  registered = b;
}

export function trainBackend(): TrainBackend | null {
  return registered;
}
