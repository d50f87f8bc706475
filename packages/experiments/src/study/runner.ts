/**
 * The study runner: checks the folder and the selected cells (before any work), creates or joins
 * study.json, runs the cells one after another with the injected EngineFactory, keeps study.json
 * current and writes the summary at the end.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { StudyConfig } from '../config/index.ts';
import type { EngineFactory } from '../engine/types.ts';
import { UsageError } from '../util/errors.ts';
import { resolveInside } from '../util/inside.ts';
import { EtaClock } from './eta.ts';
import { runFiles, type Cell } from './grid.ts';
import type { Reporter } from './reporter.ts';
import { CLAIM_STALE_MS, claimCell, runGroup, type CellContext, type CellOutcome, type StopSignal } from './run-cell.ts';
import { describeGroups, planGroups, type GroupingEngine, type LockstepSetting } from './groups.ts';
import { runSpec } from './grid.ts';
import { DamagedStatusError, readStatus, RUN_STATUS_NAMES, type RunStatusName } from './status.ts';
import { removeStaleTemps } from '../util/atomic.ts';
import type { Lease } from '../util/lock.ts';
import { checkStudyFolder, openStudy, refreshStudy, type StudyMeta } from './study-file.ts';
import { writeSummary } from './write-summary.ts';

export interface StudyOptions {
  config: StudyConfig;
  /** The study folder (config.outDir resolved). */
  dir: string;
  cells: Cell[];
  selection: string;
  resume: boolean;
  reporter: Reporter;
  /** Ctrl-C: stop after the current epoch (see run-cell.ts). */
  stop?: StopSignal;
  /** Tests shorten the per-cell claim's staleness. */
  claimStaleMs?: number;
  /** Train compatible cells in lockstep groups (default auto: as many as the device holds). */
  lockstep?: LockstepSetting;
}

/** Everything that can be refused without work: another study in the folder, cells with results but no --resume. */
export async function preflight(o: Pick<StudyOptions, 'config' | 'dir' | 'cells' | 'resume'>): Promise<void> {
  const existing = await checkStudyFolder(o.dir, o.config);
  // A run folder that is a link out of the study (a folder received from elsewhere) is never written through.
  for (const d of new Set(o.cells.map((c) => c.dir))) await resolveInside(o.dir, d, 'the grid');
  if (!existing || o.resume) return;
  for (const c of o.cells) {
    const file = join(o.dir, runFiles(c).status);
    const s = await readStatus(file).catch((e) => {
      if (e instanceof DamagedStatusError) throw new UsageError(`${e.message}; add --resume to repair it from the run's state file, or choose another --out`);
      throw e;
    });
    if (s && s.status !== 'pending') {
      throw new UsageError(`${o.dir} already has run ${c.id} (${s.status}, ${s.epochsDone}/${s.epochs} epochs); add --resume to continue the study, or choose another --out`);
    }
  }
}

function adapterLine(a: Record<string, unknown>): string {
  return typeof a.summary === 'string' ? a.summary : JSON.stringify(a);
}

/** How the engines group cells: by their lockstep key, up to what the device holds. */
export function groupingEngine(config: StudyConfig, factoryFor: (dataset: string) => EngineFactory): GroupingEngine {
  return {
    key: (c: Cell) => {
      const f = factoryFor(c.dataset);
      return f.createGroup && f.lockstepKey ? f.lockstepKey(runSpec(config, c)) : null;
    },
    max: (c: Cell) => factoryFor(c.dataset).maxGroupSize?.(runSpec(config, c)) ?? 1,
  };
}

/** One data set's engine and class names. */
export interface DatasetEngine {
  factory: EngineFactory;
  classNames: string[];
}

/**
 * Runs the selected cells. `engines`: one engine factory per data set of the cells (by name), or a
 * single factory for every cell (with meta.classNames).
 */
export async function runStudy(o: StudyOptions, engines: EngineFactory | Record<string, DatasetEngine>, meta: StudyMeta): Promise<CellOutcome[]> {
  const t0 = performance.now();
  const engineFor = (dataset: string): DatasetEngine => {
    if ('createRun' in engines && typeof engines.createRun === 'function') return { factory: engines as EngineFactory, classNames: meta.classNames };
    const e = (engines as Record<string, DatasetEngine>)[dataset];
    if (!e) throw new Error(`no engine for data set ${dataset}`);
    return e;
  };
  await preflight(o);
  await mkdir(o.dir, { recursive: true });
  await removeStaleTemps(o.dir);
  await openStudy(o.dir, o.config, meta);
  // A process that joins a study (another shard) adds the specs of the data sets it loaded.
  await refreshStudy(o.dir, { ...(o.cells.length ? { adapter: engineFor(o.cells[0].dataset).factory.adapter } : {}), ...(meta.datasets ? { datasets: meta.datasets } : {}) });
  o.reporter.studyStart({ name: o.config.name, outDir: o.dir, selection: o.selection, cells: o.cells, epochs: o.config.epochs });
  const clock = new EtaClock(o.cells.length * o.config.epochs);
  const results: CellOutcome[] = [];
  /** A cell's context: its data set's engine and class names. */
  const ctxFor = (cell: Cell): CellContext => {
    const { factory, classNames } = engineFor(cell.dataset);
    return {
      dir: o.dir, config: o.config, factory, reporter: o.reporter, resume: o.resume, clock, stop: o.stop, claimStaleMs: o.claimStaleMs,
      classNames, adapter: adapterLine(factory.adapter),
      onCommit: async () => void (await refreshStudy(o.dir)),
    };
  };
  const setting = o.lockstep ?? 'auto';
  const grouping = groupingEngine(o.config, (d) => engineFor(d).factory);
  const groups = planGroups(o.cells, setting, grouping);
  if (groups.some((g) => g.length > 1)) o.reporter.info(`lockstep ${setting === 'auto' ? 'auto' : `≤ ${setting}`}: ${describeGroups(groups)}`);
  const outcome = new Map<Cell, CellOutcome>();
  for (const group of groups) {
    if (o.stop?.requested) break;
    const r = await runGroup(group, ctxFor(group[0]));
    group.forEach((c, k) => outcome.set(c, r[k]));
    await refreshStudy(o.dir);
  }
  const ran = o.cells.filter((c) => outcome.has(c)); // results[i] is ran[i]'s
  results.push(...ran.map((c) => outcome.get(c)!));
  const cellOf = (i: number): Cell => ran[i];
  // Cells another process held: wait for each claim (all at once) until its holder ends it or its
  // heartbeat stops — a dead or foreign holder is taken over — then train those this process got.
  const busy = results.flatMap((r, i) => (r.busy ? [i] : []));
  if (busy.length && !o.stop?.requested) {
    const staleMs = o.claimStaleMs ?? CLAIM_STALE_MS;
    const claims = await Promise.all(busy.map((i) => claimCell(cellOf(i), ctxFor(cellOf(i)), staleMs * 1.5 + 1000)));
    const got = new Map<Cell, Lease>();
    for (const [k, i] of busy.entries()) {
      const claim = claims[k];
      if (typeof claim === 'string') results[i] = { ...results[i], skipped: `${claim} (its heartbeat kept moving)` };
      else if (o.stop?.requested) await claim.release();
      else got.set(cellOf(i), claim);
    }
    // The cells this process got train in groups again (those that still fit together).
    for (const group of planGroups([...got.keys()], setting, grouping)) {
      clock.restore(o.config.epochs * group.length);
      const r = await runGroup(group, { ...ctxFor(group[0]), claims: group.map((c) => got.get(c)!) });
      group.forEach((c, k) => (results[ran.indexOf(c)] = r[k]));
      await refreshStudy(o.dir);
    }
  }
  await writeSummary([o.dir], o.dir);
  const counts = Object.fromEntries(RUN_STATUS_NAMES.map((n) => [n, 0])) as Record<RunStatusName, number>;
  for (const r of results) counts[r.status]++;
  o.reporter.studyEnd({ outDir: o.dir, counts, seconds: (performance.now() - t0) / 1000 });
  return results;
}
