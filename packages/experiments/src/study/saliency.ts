/** Writes <Label>_saliency.json; its content is saliency-json.ts. */
import { join } from 'node:path';
import type { RunEngine } from '../engine/types.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import type { Cell } from './grid.ts';
import { panelIndices, saliencyJson, type SaliencyOutcome } from './saliency-json.ts';

export * from './saliency-json.ts';

/**
 * Computes and writes the run's saliency file (atomically) when the engine can; a failure is
 * reported in the outcome and never fails the run, whose model and metrics are already final.
 */
export async function writeSaliency(o: {
  engine: Pick<RunEngine, 'saliency'>; testLabels: ArrayLike<number> | undefined; classNames: string[]; cell: Cell; epoch: number; file: string; studyDir: string;
}): Promise<SaliencyOutcome> {
  if (!o.engine.saliency || !o.testLabels) return { path: null, error: null };
  try {
    const items = await o.engine.saliency(panelIndices(o.testLabels, o.classNames.length));
    await writeJsonAtomic(join(o.studyDir, o.file), saliencyJson(o.cell, o.epoch, o.classNames, items), 0);
    return { path: o.file, error: null };
  } catch (e) {
    return { path: null, error: (e as Error).message ?? String(e) };
  }
}
