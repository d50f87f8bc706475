/** <Label>_final.json: confusion matrix, per-class metrics and reliability bins of the last evaluation (Node-free: the browser's Train page writes it too). */
import type { EvalStats } from '../engine/types.ts';
import { ece, perClass, reliabilityBins, type ReliabilityBin } from '../metrics/index.ts';
import type { Cell, RunIdentity } from './grid.ts';
import type { SaliencyOutcome } from './saliency-json.ts';

export interface FinalJson extends RunIdentity {
  /** The epoch the numbers are from (the last evaluated one). */
  epoch: number | null;
  status: 'done' | 'diverged';
  divergedEpoch: number | null;
  confusion: number[][] | null;
  perClass: { class: string; precision: number; recall: number; f1: number; support: number }[] | null;
  calibration: { ece: number; bins: ReliabilityBin[] } | null;
  /** <Label>_saliency.json relative to the study folder, or null (diverged, or an engine without saliency). */
  saliency: string | null;
  /** Why the saliency file is missing when computing it failed (the run itself is unaffected). */
  saliencyError?: string;
}

export function finalJson(cell: Cell, classNames: string[], last: { epoch: number; eval: EvalStats } | null, divergedEpoch: number | null,
  saliency: SaliencyOutcome = { path: null, error: null }): FinalJson {
  const e = last?.eval;
  const out: FinalJson = {
    loss: cell.loss,
    label: cell.label,
    seed: cell.seed,
    data: cell.data,
    arch: cell.arch,
    dataset: cell.dataset,
    epoch: last?.epoch ?? null,
    status: divergedEpoch === null ? 'done' : 'diverged',
    divergedEpoch,
    confusion: e ? e.confusion : null,
    perClass: e ? perClass(e.confusion).map((m, i) => ({ class: classNames[i] ?? String(i), ...m })) : null,
    calibration: e ? { ece: ece(e.calibration), bins: reliabilityBins(e.calibration) } : null,
    saliency: saliency.path,
  };
  if (saliency.error) out.saliencyError = saliency.error;
  return out;
}
