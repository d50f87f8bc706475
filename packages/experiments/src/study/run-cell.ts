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
import type { EngineFactory, EpochStats, GroupEngine, RunEngine } from '../engine/types.ts';
import { groupOfRuns } from '../engine/group-of-runs.ts';
import { removeStaleTemps, writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';
import { acquireLease, describeOwner, LeaseBusyError, type Lease } from '../util/lock.ts';
import { formatCsv, isDiverged, rowFromStats, type CsvRow } from './csv.ts';
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
  return (await runGroup([cell], { ...ctx, claims: ctx.claim ? [ctx.claim] : undefined }))[0];
}

export interface GroupContext extends Omit<CellContext, 'claim'> {
  /** Claims already taken, one per cell (the runner's second pass); else each cell is claimed here. */
  claims?: Lease[];
}

/**
 * Runs (or resumes) cells that can train in lockstep (study/groups.ts) as one group: each cell is
 * claimed and its files read as for a run alone; those that start at the same epoch train together
 * (the engine's createGroup, or one after another when the factory has none), each committing its
 * own files after every epoch exactly as alone. A member that diverges or fails leaves the group;
 * the others go on. Never throws for a failing run. Outcomes in the order of `cells`.
 */
export async function runGroup(cells: Cell[], ctx: GroupContext): Promise<CellOutcome[]> {
  const { config, reporter, clock } = ctx;
  const outcomes: (CellOutcome | undefined)[] = new Array(cells.length);
  const claimed: { k: number; claim: Lease }[] = [];
  for (const [k, cell] of cells.entries()) {
    await removeStaleTemps(dirname(join(ctx.dir, runFiles(cell).status)));
    const claim = ctx.claims?.[k] ?? await claimCell(cell, ctx);
    if (typeof claim === 'string') {
      reporter.info(`skipping run ${cell.id} for now: ${claim}`);
      clock.skip(config.epochs);
      const current = await readStatusOrNull(join(ctx.dir, runFiles(cell).status));
      outcomes[k] = { ...(current ?? pendingStatus(cell, config)), skipped: claim, busy: true };
    } else claimed.push({ k, claim });
  }
  try {
    const members: Member[] = [];
    for (const { k } of claimed) {
      const cell = cells[k];
      // Read under the claim: a process that held the cell until now may have worked on it.
      const previous = await readStatusOrNull(join(ctx.dir, runFiles(cell).status));
      if (!ctx.resume && previous && previous.status !== 'pending') {
        // The folder was checked before this process started: another one has run the cell since.
        const why = `another process ran it meanwhile (${previous.status}, ${previous.epochsDone}/${previous.epochs} epochs)`;
        reporter.info(`skipping run ${cell.id}: ${why}`);
        clock.skip(config.epochs);
        outcomes[k] = { ...previous, skipped: why };
        continue;
      }
      const m = await prepareMember(k, cell, previous, ctx);
      if ('done' in m) outcomes[k] = m.done;
      else members.push(m);
    }
    // Lockstep members start at the same epoch: a group resumed from different epochs trains as several.
    // (Partitioned before any trains: training moves a member's epochsDone.)
    const starts = [...new Set(members.map((m) => m.status.epochsDone))].sort((a, b) => a - b);
    const parts = starts.map((start) => members.filter((m) => m.status.epochsDone === start));
    for (const part of parts) for (const m of await trainMembers(part, ctx)) outcomes[m.k] = m.status;
  } finally {
    for (const { claim } of claimed) await claim.release();
  }
  return outcomes.map((o, k) => o ?? { ...pendingStatus(cells[k], config), skipped: 'not trained' });
}

function pendingStatus(cell: Cell, config: StudyConfig): RunStatus {
  return { id: cell.id, index: cell.index, status: 'pending', epochsDone: 0, epochs: config.epochs, divergedEpoch: null, error: null, startedAt: null, endedAt: null, adapter: null };
}

/** A cell about to train: its status (epochsDone = where it starts), the CSV rows and saved state it continues from. */
interface Member {
  k: number;
  cell: Cell;
  status: RunStatus;
  rows: CsvRow[];
  saved: SavedState | null;
  last: LastEval | null;
  /** Still training in the group (not diverged, failed or interrupted). */
  active: boolean;
}

/** Reads what a cell continues from (its state file and CSV rows, when resuming); a finished cell comes back as `done`. */
async function prepareMember(k: number, cell: Cell, previous: RunStatus | null, ctx: GroupContext): Promise<Member | { done: RunStatus }> {
  const { config, reporter, clock } = ctx;
  const f = runFiles(cell);
  const path = (p: string) => join(ctx.dir, p);
  if (ctx.resume && previous && (previous.status === 'done' || previous.status === 'diverged')) {
    const final = await readFinal(path(f.final));
    if ('final' in final) {
      clock.skip(config.epochs);
      return { done: previous };
    }
    // `done` always comes with its final.json: without one the run is finished again from its state.
    reporter.info(`run ${cell.id}: its status is ${previous.status} but ${f.final}: ${final.problem}; finishing it again from its state file`);
  }
  const status: RunStatus = {
    id: cell.id, index: cell.index, status: 'running', epochsDone: 0, epochs: config.epochs,
    divergedEpoch: null, error: null, startedAt: new Date().toISOString(), endedAt: null, adapter: ctx.adapter,
  };
  let rows: CsvRow[] = [];
  let saved: SavedState | null = null;
  if (ctx.resume) {
    try {
      saved = await readState(path(f.state));
    } catch (e) {
      status.epochsDone = previous?.epochsDone ?? 0; // what a failed read leaves on record
      return { done: await failed(cell, status, e, ctx) };
    }
    if (saved) {
      const csv = await readRows(path(f.csv), evaluatedEpochs(config, saved.epoch));
      if ('problem' in csv) {
        reporter.info(`run ${cell.id}: cannot continue from epoch ${saved.epoch}: ${f.csv}: ${csv.problem}; training it again from epoch 1`);
        saved = null;
      } else rows = csv.rows;
    }
    status.epochsDone = saved?.epoch ?? 0;
    if (saved) status.startedAt = previous?.startedAt ?? status.startedAt;
  }
  return { k, cell, status, rows, saved, last: saved?.lastEval ?? null, active: true };
}

/** Records a run that failed before training (`status` as far as it got). */
async function failed(cell: Cell, status: RunStatus, e: unknown, ctx: GroupContext): Promise<RunStatus> {
  status.status = 'failed';
  status.error = (e as Error).message ?? String(e);
  ctx.clock.skip(ctx.config.epochs - status.epochsDone);
  status.endedAt = new Date().toISOString();
  await writeStatus(join(ctx.dir, runFiles(cell).status), status);
  ctx.reporter.runEnd({ cell, status: status.status, epochsDone: status.epochsDone, divergedEpoch: null, error: status.error });
  return status;
}

/** Trains members that start at the same epoch as one lockstep group, committing each member's files after every epoch. */
async function trainMembers(members: Member[], ctx: GroupContext): Promise<Member[]> {
  const { config, reporter, clock } = ctx;
  const path = (p: string) => join(ctx.dir, p);
  const start = members[0].status.epochsDone;
  let engine: GroupEngine | null = null;
  const specs = members.map((m) => runSpec(config, m.cell));
  const fail = (m: Member, e: unknown) => {
    m.status.status = 'failed';
    m.status.error = (e as Error).message ?? String(e);
    m.active = false;
    clock.skip(config.epochs - m.status.epochsDone);
  };
  try {
    engine = ctx.factory.createGroup ? await ctx.factory.createGroup(specs) : await groupOfRuns(ctx.factory, specs);
    for (const [i, m] of members.entries()) {
      if (m.saved) {
        await engine.loadState(i, m.saved.engine);
        clock.skip(m.saved.epoch);
      }
      await writeStatus(path(runFiles(m.cell).status), m.status);
    }
    const cells = members.map((m) => m.cell);
    reporter.runStart({ cell: cells[0], ...(cells.length > 1 ? { group: cells } : {}), startEpoch: start + 1, epochs: config.epochs, stepsPerEpoch: engine.stepsPerEpoch, resumed: members.some((m) => m.saved) });
    for (let epoch = start + 1; epoch <= config.epochs; epoch++) {
      const active = members.filter((m) => m.active);
      if (!active.length) break;
      if (ctx.stop?.requested) {
        for (const m of active) {
          m.status.status = 'interrupted';
          m.active = false;
          clock.skip(config.epochs - m.status.epochsDone);
        }
        break;
      }
      const evaluate = epoch % config.evalEvery === 0 || epoch === config.epochs;
      const t0 = performance.now();
      const first = active[0].cell;
      let stats: EpochStats[];
      try {
        stats = await engine.trainEpoch(epoch, evaluate, (p) =>
          reporter.step({ cell: first, epoch, step: p.step, steps: p.steps, etaSeconds: clock.eta((active.length * p.step) / p.steps) }));
      } catch (e) {
        for (const m of active) fail(m, e);
        break;
      }
      const seconds = (performance.now() - t0) / 1000;
      for (const m of active) {
        const i = members.indexOf(m);
        try {
          await commitEpoch(m, stats[i], epoch, evaluate, i, engine, seconds / active.length, ctx);
        } catch (e) {
          fail(m, e);
        }
      }
      await ctx.onCommit?.();
    }
    for (const [i, m] of members.entries()) {
      if (m.status.status === 'interrupted' || m.status.status === 'failed') continue;
      try {
        const outcome = m.status.status === 'running' ? 'done' : m.status.status;
        const f = runFiles(m.cell);
        const saliency = outcome === 'done'
          ? await writeSaliency({ engine: memberView(engine, i), testLabels: ctx.factory.testLabels, classNames: ctx.classNames, cell: m.cell, epoch: m.status.epochsDone, file: f.saliency, studyDir: ctx.dir })
          : undefined;
        await writeJsonAtomic(path(f.final), finalJson(m.cell, ctx.classNames, m.last, m.status.divergedEpoch, saliency));
        m.status.status = outcome; // only now: `done` always comes with its final.json
      } catch (e) {
        fail(m, e);
      }
    }
  } catch (e) {
    for (const m of members) if (m.active || m.status.status === 'running') fail(m, e);
  } finally {
    engine?.dispose();
  }
  for (const m of members) {
    m.status.endedAt = new Date().toISOString();
    await writeStatus(path(runFiles(m.cell).status), m.status);
    reporter.runEnd({ cell: m.cell, status: m.status.status, epochsDone: m.status.epochsDone, divergedEpoch: m.status.divergedEpoch, error: m.status.error });
  }
  return members;
}

/** One epoch of one member: CSV, then state, then status, each atomic (see the top of this file). */
async function commitEpoch(m: Member, stats: EpochStats, epoch: number, evaluate: boolean, i: number, engine: GroupEngine, seconds: number, ctx: GroupContext): Promise<void> {
  const { config, reporter, clock } = ctx;
  const f = runFiles(m.cell);
  const path = (p: string) => join(ctx.dir, p);
  const diverged = isDiverged(stats);
  const row = rowFromStats(stats);
  if (evaluate || diverged) m.rows.push(row);
  await writeFileAtomic(path(f.csv), formatCsv(m.rows));
  if (diverged) {
    m.status.status = 'diverged';
    m.status.divergedEpoch = epoch;
    m.active = false;
    clock.skip(config.epochs - epoch + 1);
    reporter.epoch({ cell: m.cell, row, epochs: config.epochs, evaluated: evaluate, etaSeconds: clock.eta() });
    return;
  }
  if (stats.eval) m.last = { epoch, eval: stats.eval };
  await writeState(path(f.state), { epoch, engine: await engine.saveState(i), lastEval: m.last });
  m.status.epochsDone = epoch;
  await writeStatus(path(f.status), m.status);
  clock.epochDone(seconds);
  reporter.epoch({ cell: m.cell, row, epochs: config.epochs, evaluated: evaluate, etaSeconds: clock.eta() });
}

/** What writeSaliency needs of one member. */
function memberView(engine: GroupEngine, i: number): Pick<RunEngine, 'saliency'> {
  return engine.saliency ? { saliency: (idx: number[]) => engine.saliency!(i, idx) } : {};
}
