/**
 * One cell: claim it (one process per cell, see util/lock.ts), create the engine, resume from its
 * state file when asked, train epoch by epoch and commit each epoch in this order — CSV, state
 * (its header holds the epoch, its trailer the last evaluation), status — each written
 * atomically. At the end: saliency, final.json, then status `done`. A kill between any two writes
 * is repaired on resume: the state's epoch wins, and the CSV must hold exactly the rows of the
 * epochs up to it (else the cell is trained again from its start).
 */
import { dirname, join } from 'node:path';
import type { StudyConfig } from '../config/index.ts';
import type { EngineFactory, EpochStats, RunEngine } from '../engine/types.ts';
import { removeStaleTemps, writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';
import { acquireLease, describeOwner, LeaseBusyError, type Lease } from '../util/lock.ts';
import { formatCsv, rowFromStats, type CsvRow } from './csv.ts';
import { evaluatedEpochs, readRows } from './rows.ts';
import type { EtaClock } from './eta.ts';
import { finalJson, readFinal } from './final.ts';
import { writeSaliency } from './saliency.ts';
import { runFiles, runSpec, type Cell } from './grid.ts';
import type { Reporter } from './reporter.ts';
import { readState, writeState, type LastEval, type SavedState } from './state.ts';
import { readStatusOrNull, writeStatus, type RunStatus } from './status.ts';

/** Set by the CLI on Ctrl-C / SIGTERM: runs stop after their current epoch is committed. */
export interface StopSignal {
  requested: boolean;
}

export interface CellContext {
  dir: string;
  config: StudyConfig;
  factory: EngineFactory;
  reporter: Reporter;
  resume: boolean;
  clock: EtaClock;
  classNames: string[];
  adapter: string | null;
  stop?: StopSignal;
  /** The cell claim's staleness (ms without a heartbeat); tests shorten it. */
  claimStaleMs?: number;
  /** A claim on the cell already taken (the runner's second pass); else runCell claims it. */
  claim?: Lease;
  /** Called after each committed epoch (study.json refresh). */
  onCommit?: () => Promise<void>;
}

/** What runCell returns: the run's status, or `skipped` (why) when this process did not train it; `busy` when another process held its claim. */
export type CellOutcome = RunStatus & { skipped?: string; busy?: boolean };

function isDiverged(s: EpochStats): boolean {
  const e = s.eval;
  return !Number.isFinite(s.trainLoss) || (!!e && (!Number.isFinite(e.testLoss) || !Number.isFinite(e.testNll)));
}

/** The claim's staleness when none is configured: a holder whose heartbeat has not moved for this long is taken over. */
export const CLAIM_STALE_MS = 60_000;

/**
 * Claims the cell: at once (waitMs 0: a held claim answers why), or waiting up to `waitMs` while
 * its holder's heartbeat moves — a dead, foreign or garbled claim is taken over once its heartbeat
 * has not moved for the claim timeout (util/lock.ts).
 */
export async function claimCell(cell: Cell, ctx: Pick<CellContext, 'dir' | 'claimStaleMs' | 'reporter'>, waitMs = 0): Promise<Lease | string> {
  const claimDir = join(ctx.dir, runFiles(cell).claim);
  const staleMs = ctx.claimStaleMs ?? CLAIM_STALE_MS;
  try {
    return await acquireLease(claimDir, {
      timeoutMs: waitMs, staleMs, waitNoticeMs: 0,
      onWait: (h) => ctx.reporter.info(`run ${cell.id}: held by ${describeOwner(h)}; waiting (taken over if its heartbeat stops for ${staleMs / 1000} s)`),
    });
  } catch (e) {
    if (e instanceof LeaseBusyError) return `${describeOwner(e.holder)} is training it`;
    throw e;
  }
}

/** Runs (or resumes) one cell to its end; never throws for a failing run (it is recorded as failed). */
export async function runCell(cell: Cell, ctx: CellContext): Promise<CellOutcome> {
  const { config, reporter, clock } = ctx;
  const f = runFiles(cell);
  const path = (p: string) => join(ctx.dir, p);
  await removeStaleTemps(dirname(path(f.status)));
  const claim = ctx.claim ?? await claimCell(cell, ctx);
  if (typeof claim === 'string') {
    reporter.info(`skipping run ${cell.id} for now: ${claim}`);
    clock.skip(config.epochs);
    const current = await readStatusOrNull(path(f.status));
    return { ...(current ?? pendingStatus(cell, config)), skipped: claim, busy: true };
  }
  try {
    // Read under the claim: a process that held the cell until now may have worked on it.
    const previous = await readStatusOrNull(path(f.status));
    if (!ctx.resume && previous && previous.status !== 'pending') {
      // The folder was checked before this process started: another one has run the cell since.
      const why = `another process ran it meanwhile (${previous.status}, ${previous.epochsDone}/${previous.epochs} epochs)`;
      reporter.info(`skipping run ${cell.id}: ${why}`);
      clock.skip(config.epochs);
      return { ...previous, skipped: why };
    }
    return await trainCell(cell, previous, ctx);
  } finally {
    await claim.release();
  }
}

function pendingStatus(cell: Cell, config: StudyConfig): RunStatus {
  return { id: cell.id, index: cell.index, status: 'pending', epochsDone: 0, epochs: config.epochs, divergedEpoch: null, error: null, startedAt: null, endedAt: null, adapter: null };
}

async function trainCell(cell: Cell, previous: RunStatus | null, ctx: CellContext): Promise<RunStatus> {
  const { config, reporter, clock } = ctx;
  const f = runFiles(cell);
  const path = (p: string) => join(ctx.dir, p);
  if (ctx.resume && previous && (previous.status === 'done' || previous.status === 'diverged')) {
    const final = await readFinal(path(f.final));
    if ('final' in final) {
      clock.skip(config.epochs);
      return previous;
    }
    // `done` always comes with its final.json: without one the run is finished again from its state.
    reporter.info(`run ${cell.id}: its status is ${previous.status} but ${f.final}: ${final.problem}; finishing it again from its state file`);
  }
  const status: RunStatus = {
    id: cell.id, index: cell.index, status: 'running', epochsDone: 0, epochs: config.epochs,
    divergedEpoch: null, error: null, startedAt: new Date().toISOString(), endedAt: null, adapter: ctx.adapter,
  };
  let engine: RunEngine | null = null;
  let last: LastEval | null = null;
  try {
    let rows: CsvRow[] = [];
    let saved: SavedState | null = null;
    if (ctx.resume) {
      status.epochsDone = previous?.epochsDone ?? 0; // what a failed read leaves on record
      saved = await readState(path(f.state));
      if (saved) {
        status.epochsDone = saved.epoch;
        const csv = await readRows(path(f.csv), evaluatedEpochs(config, saved.epoch));
        if ('problem' in csv) {
          reporter.info(`run ${cell.id}: cannot continue from epoch ${saved.epoch}: ${f.csv}: ${csv.problem}; training it again from epoch 1`);
          saved = null;
          status.epochsDone = 0;
        } else rows = csv.rows;
      } else status.epochsDone = 0;
    }
    engine = await ctx.factory.createRun(runSpec(config, cell));
    if (saved) {
      await engine.loadState(saved.engine);
      last = saved.lastEval;
      status.startedAt = previous?.startedAt ?? status.startedAt;
      clock.skip(saved.epoch);
    }
    await writeStatus(path(f.status), status);
    reporter.runStart({ cell, startEpoch: status.epochsDone + 1, epochs: config.epochs, stepsPerEpoch: engine.stepsPerEpoch, resumed: !!saved });
    for (let epoch = status.epochsDone + 1; epoch <= config.epochs; epoch++) {
      if (ctx.stop?.requested) {
        status.status = 'interrupted';
        break;
      }
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
      await writeState(path(f.state), { epoch, engine: await engine.saveState(), lastEval: last });
      status.epochsDone = epoch;
      await writeStatus(path(f.status), status);
      clock.epochDone((performance.now() - t0) / 1000);
      reporter.epoch({ cell, row, epochs: config.epochs, evaluated: evaluate, etaSeconds: clock.eta() });
      await ctx.onCommit?.();
    }
    if (status.status !== 'interrupted') {
      const outcome = status.status === 'running' ? 'done' : status.status;
      const saliency = outcome === 'done'
        ? await writeSaliency({ engine, testLabels: ctx.factory.testLabels, classNames: ctx.classNames, cell, epoch: status.epochsDone, file: f.saliency, studyDir: ctx.dir })
        : undefined;
      await writeJsonAtomic(path(f.final), finalJson(cell, ctx.classNames, last, status.divergedEpoch, saliency));
      status.status = outcome; // only now: `done` always comes with its final.json
    } else clock.skip(config.epochs - status.epochsDone);
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
