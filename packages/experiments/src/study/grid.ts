/**
 * A study's grid: data variant × architecture × seed × loss, loss varying fastest, so a
 * cell's index is ((d·A + a)·S + s)·L + l. Indices are stable for a given configuration.
 */
import { parseLoss, type StudyConfig } from '../config/index.ts';
import type { RunSpec } from '../engine/types.ts';

export interface Cell {
  index: number;
  id: string; // e.g. clean_convnet_ce_s0
  loss: string;
  label: string;
  seed: number;
  data: string;
  arch: string;
  /** Run folder relative to the study folder: seed_<S> or <variant>_<arch>/seed_<S>. */
  dir: string;
}

/** The default study (clean data, the convnet) keeps the study's seed_<S>/ folders. */
export function isPlainGrid(c: StudyConfig): boolean {
  return c.data.length === 1 && c.data[0] === 'clean' && c.arch.length === 1 && c.arch[0] === 'convnet';
}

export function expandGrid(c: StudyConfig): Cell[] {
  const plain = isPlainGrid(c);
  const cells: Cell[] = [];
  for (const data of c.data) {
    for (const arch of c.arch) {
      for (const seed of c.seeds) {
        for (const loss of c.losses) {
          const { label, name, source } = parseLoss(loss);
          cells.push({
            index: cells.length,
            id: `${data}_${arch}_${name.replace(':', '').replace(/,/g, '_')}_s${seed}`,
            loss: source,
            label,
            seed,
            data,
            arch,
            dir: plain ? `seed_${seed}` : `${data}_${arch}/seed_${seed}`,
          });
        }
      }
    }
  }
  return cells;
}

export function runSpec(c: StudyConfig, cell: Pick<Cell, 'loss' | 'seed' | 'data' | 'arch'>): RunSpec {
  return {
    loss: cell.loss,
    seed: cell.seed,
    data: cell.data,
    arch: cell.arch,
    epochs: c.epochs,
    batchSize: c.batchSize,
    lr: c.lr,
    momentum: c.momentum,
    weightDecay: c.weightDecay,
    nesterov: c.nesterov,
    schedule: { ...c.schedule },
    evalEvery: c.evalEvery,
    trainSubset: c.trainSubset,
  };
}

/** The files of one run, relative to the study folder. Each belongs to that run alone. */
export function runFiles(cell: Pick<Cell, 'dir' | 'label'>) {
  const base = `${cell.dir}/${cell.label}`;
  return {
    csv: `${base}_results.csv`,
    final: `${base}_final.json`,
    state: `${base}_state.bin`,
    status: `${base}_status.json`,
    saliency: `${base}_saliency.json`,
    /** The per-cell claim (a lease folder, see util/lock.ts): one process trains a cell at a time. */
    claim: `${cell.dir}/.${cell.label}.claim`,
  };
}
