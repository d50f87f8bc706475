/**
 * A study's grid: dataset × data variant × architecture × seed × loss, loss varying fastest, so a
 * cell's index is (((k·D + d)·A + a)·S + s)·L + l. Indices are stable for a given configuration
 * (and, with the one default dataset, as they were before the dataset axis).
 */
import type { StudyConfig } from '../config/study-config.ts';
import { parseLoss } from '../config/loss-parse.ts';
import { datasetTag, DEFAULT_DATASET } from '../data/dataset-tag.ts';
import type { RunSpec } from '../engine/types.ts';

/** What names a run in every results file: its loss (and label), seed, data variant, architecture and data set. */
export type RunIdentity = Pick<Cell, 'loss' | 'label' | 'seed' | 'data' | 'arch' | 'dataset'>;

export interface Cell {
  index: number;
  id: string; // e.g. clean_convnet_ce_s0
  loss: string;
  label: string;
  seed: number;
  data: string;
  arch: string;
  /** The data set (a --dataset name or manifest). */
  dataset: string;
  /** Run folder relative to the study folder: seed_<S>, <variant>_<arch>/seed_<S>, or <dataset>_<variant>_<arch>/seed_<S> for a data set other than CIFAR-10. */
  dir: string;
}

/** The default study (CIFAR-10, clean data, the convnet) keeps the study's seed_<S>/ folders. */
export function isPlainGrid(c: StudyConfig): boolean {
  return c.data.length === 1 && c.data[0] === 'clean' && c.arch.length === 1 && c.arch[0] === 'convnet' &&
    (c.dataset ?? [DEFAULT_DATASET]).join() === DEFAULT_DATASET;
}

export function expandGrid(c: StudyConfig): Cell[] {
  const plain = isPlainGrid(c);
  const cells: Cell[] = [];
  for (const dataset of c.dataset ?? [DEFAULT_DATASET]) {
    // CIFAR-10's runs keep the names they had before the dataset axis; other data sets prefix theirs.
    const prefix = dataset === DEFAULT_DATASET ? '' : `${datasetTag(dataset)}_`;
    for (const data of c.data) {
      for (const arch of c.arch) {
        for (const seed of c.seeds) {
          for (const loss of c.losses) {
            const { label, name, source } = parseLoss(loss);
            cells.push({
              index: cells.length,
              id: `${prefix}${data}_${arch}_${name.replace(':', '').replace(/,/g, '_')}_s${seed}`,
              loss: source,
              label,
              seed,
              data,
              arch,
              dataset,
              dir: plain ? `seed_${seed}` : `${prefix}${data}_${arch}/seed_${seed}`,
            });
          }
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
