/** What the runner tells the outside world; the CLI renders it as bars + lines or as JSON lines. */
import type { Cell } from './grid.ts';
import type { CsvRow } from './csv.ts';
import type { RunStatusName } from './status.ts';

export interface StudyStartEvent { name: string; outDir: string; selection: string; cells: Cell[]; epochs: number }
/** `group`: the runs training in lockstep with `cell` (cell first), when more than one; they end with a runEnd each. */
export interface RunStartEvent { cell: Cell; group?: Cell[]; startEpoch: number; epochs: number; stepsPerEpoch: number; resumed: boolean }
export interface StepEvent { cell: Cell; epoch: number; step: number; steps: number; etaSeconds: number | null }
export interface EpochEvent { cell: Cell; row: CsvRow; epochs: number; evaluated: boolean; etaSeconds: number | null }
export interface RunEndEvent { cell: Cell; status: RunStatusName; epochsDone: number; divergedEpoch: number | null; error: string | null }
export interface StudyEndEvent { outDir: string; counts: Record<RunStatusName, number>; seconds: number }

export interface Reporter {
  studyStart(e: StudyStartEvent): void;
  runStart(e: RunStartEvent): void;
  step(e: StepEvent): void;
  epoch(e: EpochEvent): void;
  runEnd(e: RunEndEvent): void;
  studyEnd(e: StudyEndEvent): void;
  /** A free-form line (adapter, data set, warnings). */
  info(message: string): void;
}

export const silentReporter: Reporter = {
  studyStart() {}, runStart() {}, step() {}, epoch() {}, runEnd() {}, studyEnd() {}, info() {},
};
