/**
 * LossLab's final metrics against reference runs of another implementation, per loss: both
 * samples (independent seeds), each LossLab seed against the reference's seed-to-seed range,
 * and Welch's test of the difference of means.
 */
import { describe, welchTest, type Described, type WelchTest } from '../stats/index.ts';
import type { RunRecord } from '../study/collect.ts';
import type { CsvColumn } from '../study/csv.ts';
import { DEFAULT_DATASET } from '../data/index.ts';
import { runDataset } from '../study/summary.ts';
import type { ReferenceRun } from './reference.ts';

export interface LossComparison {
  label: string;
  metric: string;
  reference: { seeds: number[]; epoch: number[]; stats: Described } | null;
  losslab: { seeds: number[]; epoch: number[]; stats: Described } | null;
  /** LossLab seeds whose final value lies within [min, max] of the reference's seeds. */
  inRange: number | null;
  welch: WelchTest | null;
  /** Finished LossLab runs left out because their results are damaged (named, never dropped silently). */
  damaged: { seed: number; why: string }[];
}

export interface Comparison {
  metric: string;
  /** Final epochs that differ between the two sides: the numbers are then not comparable. */
  epochMismatch: boolean;
  rows: LossComparison[];
}

function side(entries: { seed: number; epoch: number; value: number | undefined }[]) {
  const ok = entries.filter((e): e is { seed: number; epoch: number; value: number } => e.value !== undefined && Number.isFinite(e.value));
  if (!ok.length) return null;
  return { seeds: ok.map((e) => e.seed), epoch: [...new Set(ok.map((e) => e.epoch))], stats: describe(ok.map((e) => e.value)) };
}

/**
 * The architecture to compare when none is named: the studies' only one on clean data, else the
 * default ConvNet (a reference folder holds one architecture's curves).
 */
export function defaultCompareArch(records: RunRecord[]): string {
  const archs = new Set(records.filter((r) => r.run.data === 'clean' && runDataset(r.run) === DEFAULT_DATASET).map((r) => r.run.arch));
  return archs.size === 1 ? [...archs][0] : 'convnet';
}

/** Our finished runs on clean CIFAR-10 (the reference's data set) and one architecture, matched to the reference by loss label. */
export function compareToReference(records: RunRecord[], reference: Map<string, ReferenceRun[]>, metric: CsvColumn, arch = defaultCompareArch(records)): Comparison {
  const ours = new Map<string, RunRecord[]>();
  for (const r of records) {
    if (r.run.status !== 'done' || r.run.data !== 'clean' || r.run.arch !== arch || runDataset(r.run) !== DEFAULT_DATASET) continue;
    // (a damaged run stays in the list, without a value, so the table can name it)
    const key = r.run.label.toLowerCase();
    const same = ours.get(key) ?? [];
    if (same.some((o) => o.run.seed === r.run.seed)) continue; // a seed in two folders counts once (the first)
    ours.set(key, [...same, r]);
  }
  const labels = [...new Set([...ours.keys(), ...reference.keys()])];
  const rows = labels.map((key): LossComparison => {
    const mine = (ours.get(key) ?? []).sort((a, b) => a.run.seed - b.run.seed);
    const ref = side((reference.get(key) ?? []).map((r) => ({ seed: r.seed, epoch: r.epoch, value: r.final[metric] })));
    const lab = side(mine.map((r) => ({ seed: r.run.seed, epoch: r.final?.epoch ?? NaN, value: r.final?.[metric] })));
    let inRange: number | null = null;
    if (ref && lab) {
      const [lo, hi] = [Math.min(...ref.stats.values), Math.max(...ref.stats.values)];
      inRange = lab.stats.values.filter((v) => v >= lo && v <= hi).length;
    }
    return {
      label: mine[0]?.run.label ?? key,
      metric,
      reference: ref,
      losslab: lab,
      inRange,
      welch: ref && lab ? welchTest(lab.stats.values, ref.stats.values) : null,
      damaged: mine.filter((r) => r.damaged).map((r) => ({ seed: r.run.seed, why: r.damaged! })),
    };
  });
  const both = rows.filter((r) => r.reference && r.losslab);
  const epochs = new Set(both.flatMap((r) => [...r.reference!.epoch, ...r.losslab!.epoch]));
  return { metric, epochMismatch: epochs.size > 1, rows };
}
