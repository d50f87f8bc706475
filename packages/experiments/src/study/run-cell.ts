/**
 * One cell: create the engine, resume from its state file when asked, train epoch by epoch and
 * commit each epoch in this order — CSV, state (its header holds the epoch), status — each
 * written atomically. A crash between two writes is repaired on resume: the state's epoch wins.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StudyConfig } from '../config/index.ts';
import type { EngineFactory, EpochStats, EvalStats, RunEngine } from '../engine/types.ts';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';
import { formatCsv, parseCsv, rowFromStats, type CsvRow } from './csv.ts';
import type { EtaClock } from './eta.ts';
import { finalJson } from './final.ts';
import { writeSaliency } from './saliency.ts';
import { runFiles, runSpec, type Cell } from './grid.ts';
import type { Reporter } from './reporter.ts';
import { readState, writeState } from './state.ts';
import { readStatus, writeStatus, type RunStatus } from './status.ts';

export interface CellContext {
  dir: string;
  config: StudyConfig;
  factory: EngineFactory;
  reporter: Reporter;
  resume: boolean;
  clock: EtaClock;
  classNames: string[];
  adapter: string | null;
  /** Called after each committed epoch (study.json refresh). */
  onCommit?: () => Promise<void>;
}

function isDiverged(s: EpochStats): boolean {
  const e = s.eval;
  return !Number.isFinite(s.trainLoss) || (!!e && (!Number.isFinite(e.testLoss) || !Number.isFinite(e.testNll)));
}

async function readRows(path: string): Promise<CsvRow[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text ? parseCsv(text) : [];
}

/** Runs (or resumes) one cell to its end; never throws for a failing run (it is recorded as failed). */
export async function runCell(cell: Cell, ctx: CellContext): Promise<RunStatus> {
  const { config, reporter, clock } = ctx;
  const f = runFiles(cell);
  const path = (p: string) => join(ctx.dir, p);
  const previous = await readStatus(path(f.status));
  if (ctx.resume && previous && (previous.status === 'done' || previous.status === 'diverged')) {
    clock.skip(config.epochs);
    return previous;
  }
  const status: RunStatus = {
    id: cell.id, index: cell.index, status: 'running', epochsDone: 0, epochs: config.epochs,
    divergedEpoch: null, error: null, startedAt: new Date().toISOString(), endedAt: null, adapter: ctx.adapter,
  };
  let engine: RunEngine | null = null;
  let last: { epoch: number; eval: EvalStats } | null = null;
  try {
    engine = await ctx.factory.createRun(runSpec(config, cell));
    let rows: CsvRow[] = [];
    const saved = ctx.resume ? await readState(path(f.state)) : null;
    if (saved) {
      await engine.loadState(saved.engine);
      rows = (await readRows(path(f.csv))).filter((r) => (r.epoch ?? 0) <= saved.epoch);
      status.epochsDone = saved.epoch;
      status.startedAt = previous?.startedAt ?? status.startedAt;
      clock.skip(saved.epoch);
    }
    await writeStatus(path(f.status), status);
    reporter.runStart({ cell, startEpoch: status.epochsDone + 1, epochs: config.epochs, stepsPerEpoch: engine.stepsPerEpoch, resumed: !!saved });
    for (let epoch = status.epochsDone + 1; epoch <= config.epochs; epoch++) {
      const evaluate = epoch % config.evalEvery === 0 || epoch === config.epochs;
      const t0 = performance.now();
      const stats = await engine.trainEpoch(epoch, evaluate, (p) =>
        reporter.step({ cell, epoch, step: p.step, steps: p.steps, etaSeconds: clock.eta(p.step / p.steps) }));
      const diverged = isDiverged(stats);
      const row = rowFromStats(stats);
      if (evaluate || diverged) rows.push(row);
      await writeFileAtomic(path(f.csv), formatCsv(rows));
      if (diverged) {
        status.status = 'diverged';
        status.divergedEpoch = epoch;
        clock.skip(config.epochs - epoch + 1);
        reporter.epoch({ cell, row, epochs: config.epochs, evaluated: evaluate, etaSeconds: clock.eta() });
        break;
      }
      if (stats.eval) last = { epoch, eval: stats.eval };
      await writeState(path(f.state), { epoch, engine: await engine.saveState() });
      status.epochsDone = epoch;
      await writeStatus(path(f.status), status);
      clock.epochDone((performance.now() - t0) / 1000);
      reporter.epoch({ cell, row, epochs: config.epochs, evaluated: evaluate, etaSeconds: clock.eta() });
      await ctx.onCommit?.();
    }
    if (status.status === 'running') status.status = 'done';
    const saliency = status.status === 'done'
      ? await writeSaliency({ engine, testLabels: ctx.factory.testLabels, classNames: ctx.classNames, cell, epoch: status.epochsDone, file: f.saliency, studyDir: ctx.dir })
      : undefined;
    await writeJsonAtomic(path(f.final), finalJson(cell, ctx.classNames, last, status.divergedEpoch, saliency));
  } catch (e) {
    status.status = 'failed';
    status.error = (e as Error).message ?? String(e);
    clock.skip(config.epochs - status.epochsDone);
  } finally {
    engine?.dispose();
  }
  status.endedAt = new Date().toISOString();
  await writeStatus(path(f.status), status);
  reporter.runEnd({ cell, status: status.status, epochsDone: status.epochsDone, divergedEpoch: status.divergedEpoch, error: status.error });
  return status;
}
