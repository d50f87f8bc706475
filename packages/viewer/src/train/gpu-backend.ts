/**
 * The Train page's real backend: the CLI's training loop (@losslab/experiments' GPU engine, one
 * run plan per lockstep group) on this page's WebGPU device, writing the study's files exactly as
 * the CLI's runner does (docs/results-format.md): per epoch the run's CSV, state and status, at a
 * run's end its saliency and final.json, and study.json with every run's status merged in.
 *
 * Runs with the same lockstep key (architecture, batch size, training-set size) train together,
 * at most the adapter's maxGroupSize at once, as `losslab run` groups them. Pause and stop act
 * between epochs (an epoch is a few large GPU submissions with no readback until its end); a
 * stopped or reloaded study continues from each run's last committed epoch (its state bytes and
 * the CSV stored with it), the CLI's resume rule.
 */
import { requestDevice, formatAdapter, type LossLabDevice } from '@losslab/kernels';
import {
  createGpuEngineFactory, decodeState, encodeState, expandGrid, finalJson, formatCsv, isDiverged, newStudyJson, panelIndices, refreshedStudy, rowFromStats,
  runFiles, runSpec, saliencyJson, type Cell, type CsvRow, type EngineFactory, type GroupEngine, type LastEval, type RunStatus, type StudyConfig, type StudyJson,
} from '@losslab/experiments/browser';
import { registerTrainBackend, type ResumePoint, type RunRef, type TrainBackend, type TrainCallbacks, type TrainHandle } from './backend.ts';
import type { TrainConfig } from './config.ts';
import type { Dataset } from './data/datasets.ts';

const TERMINAL = new Set(['done', 'diverged', 'failed']);

/** The page's study as the CLI's configuration: no output folder, and the user's definitions are already in the losses (each a full definition line). */
const studyConfig = ({ definitions: _d, ...c }: TrainConfig): StudyConfig => ({ ...c, outDir: '' });

/** The study's grid, as the CLI expands it. */
const cellsOf = (config: TrainConfig): Cell[] => expandGrid(studyConfig(config));

/** The CSV's rows after `text` (formatCsv's lines, header first) with `row` appended. */
function appendRow(text: string | null, row: CsvRow): string {
  const line = formatCsv([row]);
  return text ? text + line.slice(line.indexOf('\n') + 1) : line;
}

const asText = (v: Uint8Array | string | undefined): string | null => (v === undefined ? null : typeof v === 'string' ? v : new TextDecoder().decode(v));

interface Member {
  cell: Cell;
  ref: RunRef;
  status: RunStatus;
  csv: string | null;
  last: LastEval | null;
  saved: Uint8Array | null;
  active: boolean;
}

export interface GpuBackendOptions {
  /** The device to train on (default: requestDevice(), the kernels' browser device). */
  device?: () => Promise<LossLabDevice>;
  /** Software versions for study.json. */
  versions?: Record<string, string | null>;
}

export function gpuTrainBackend(o: GpuBackendOptions = {}): TrainBackend {
  let described = 'WebGPU, the CLI\'s training loop';
  let devicePromise: Promise<LossLabDevice> | null = null;
  const device = () => (devicePromise ??= (o.device ?? requestDevice)());
  return {
    describe: () => described,
    runs: (config) => cellsOf(config).map((c) => ({ id: c.id, label: c.label, seed: c.seed })),
    start(config: TrainConfig, data: Dataset, cb: TrainCallbacks, resume?: ReadonlyMap<string, ResumePoint>): TrainHandle {
      let paused = false;
      let stopping = false;
      let wake: (() => void) | null = null;
      const waitWhilePaused = async () => {
        while (paused && !stopping) await new Promise<void>((r) => (wake = r));
      };
      const done = (async () => {
        const dev = await device();
        const adapter = formatAdapter(dev.adapter);
        described = `${adapter}, the CLI's training loop`;
        const factory = createGpuEngineFactory({ device: dev, dataset: data });
        try {
          await trainStudy(config, data, factory, adapter, cb, resume, {
            stopping: () => stopping, waitWhilePaused, versions: o.versions ?? {},
          });
        } finally {
          factory.dispose();
        }
      })();
      return {
        pause() { paused = true; },
        resume() { paused = false; wake?.(); },
        async stop() { stopping = true; paused = false; wake?.(); await done.catch(() => undefined); },
        done,
      };
    },
  };
}

interface Control { stopping(): boolean; waitWhilePaused(): Promise<void>; versions: Record<string, string | null> }

async function trainStudy(config: TrainConfig, data: Dataset, factory: EngineFactory, adapter: string, cb: TrainCallbacks,
  resume: ReadonlyMap<string, ResumePoint> | undefined, ctl: Control): Promise<void> {
  const cells = cellsOf(config);
  const stored = resume?.values().next().value?.files;
  const storedStudy = asText(stored?.get('study.json'));
  let study: StudyJson = storedStudy ? JSON.parse(storedStudy) as StudyJson : newStudyJson(studyConfig(config), {
    versions: ctl.versions, gitCommit: null, classNames: data.spec.classNames, datasets: { [data.spec.name]: data.spec },
  });
  study = { ...study, adapter: study.adapter ?? (factory.adapter as Record<string, unknown>) };
  const statuses = new Map<string, RunStatus | null>(cells.map((c) => {
    const s = asText(stored?.get(runFiles(c).status));
    return [c.id, s ? JSON.parse(s) as RunStatus : null];
  }));
  const studyFile = (): string => {
    study = refreshedStudy(study, study.runs.map((r) => statuses.get(r.id) ?? null));
    return `${JSON.stringify(study, null, 2)}\n`;
  };

  const members: Member[] = [];
  for (const cell of cells) {
    const ref = { id: cell.id, label: cell.label, seed: cell.seed };
    const previous = statuses.get(cell.id);
    if (previous && TERMINAL.has(previous.status)) {
      await cb.onRunEnd({ run: ref, status: previous.status as 'done', epochsDone: previous.epochsDone, error: previous.error });
      continue;
    }
    const point = resume?.get(cell.id);
    const saved = point ? decodeState(point.state, runFiles(cell).state) : null;
    const csv = saved ? asText(point?.files?.get(runFiles(cell).csv)) : null;
    members.push({
      cell, ref, csv, last: saved?.lastEval ?? null, saved: saved ? saved.engine : null, active: true,
      status: {
        id: cell.id, index: cell.index, status: 'running', epochsDone: saved?.epoch ?? 0, epochs: config.epochs, divergedEpoch: null, error: null,
        startedAt: previous?.startedAt ?? new Date().toISOString(), endedAt: null, adapter,
      },
    });
  }

  // Lockstep groups as the CLI forms them: equal keys and starting epochs, at most maxGroupSize each.
  const groups = new Map<string, Member[]>();
  for (const m of members) {
    const spec = runSpec(studyConfig(config), m.cell);
    const key = `${factory.lockstepKey?.(spec) ?? m.cell.id}|${m.status.epochsDone}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  for (const all of groups.values()) {
    const size = Math.max(1, factory.maxGroupSize?.(runSpec(studyConfig(config), all[0].cell)) ?? 1);
    for (let i = 0; i < all.length; i += size) {
      if (ctl.stopping()) return;
      await trainGroup(all.slice(i, i + size), config, data, factory, cb, ctl, statuses, studyFile);
    }
  }
}

async function trainGroup(members: Member[], config: TrainConfig, data: Dataset, factory: EngineFactory, cb: TrainCallbacks, ctl: Control,
  statuses: Map<string, RunStatus | null>, studyFile: () => string): Promise<void> {
  const specs = members.map((m) => runSpec(studyConfig(config), m.cell));
  const start = members[0].status.epochsDone;
  const fail = (m: Member, e: unknown) => {
    m.status.status = 'failed';
    m.status.error = (e as Error).message ?? String(e);
    m.active = false;
  };
  let engine: GroupEngine | null = null;
  try {
    engine = await factory.createGroup!(specs);
    for (const [i, m] of members.entries()) if (m.saved) await engine.loadState(i, m.saved);
    for (let epoch = start + 1; epoch <= config.epochs; epoch++) {
      await ctl.waitWhilePaused();
      const active = members.filter((m) => m.active);
      if (!active.length || ctl.stopping()) break;
      const evaluate = epoch % config.evalEvery === 0 || epoch === config.epochs;
      const stats = await engine.trainEpoch(epoch, evaluate, (p) => cb.onStep({ run: active[0].ref, epoch, step: p.step, steps: p.steps }));
      for (const m of active) {
        const i = members.indexOf(m);
        const f = runFiles(m.cell);
        const files = new Map<string, Uint8Array | string>();
        try {
          const s = stats[i];
          const row = rowFromStats(s);
          const diverged = isDiverged(s);
          if (evaluate || diverged) m.csv = appendRow(m.csv, row);
          files.set(f.csv, m.csv ?? formatCsv([]));
          let state = m.saved ?? new Uint8Array(0);
          if (diverged) {
            m.status.status = 'diverged';
            m.status.divergedEpoch = epoch;
            m.active = false;
          } else {
            if (s.eval) m.last = { epoch, eval: s.eval };
            m.saved = await engine.saveState(i);
            state = encodeState({ epoch, engine: m.saved, lastEval: m.last });
            files.set(f.state, state);
            m.status.epochsDone = epoch;
          }
          if (diverged || epoch === config.epochs) {
            // The run's end, committed with its last epoch: saliency (when it finished), final.json, then its status.
            let saliency: { path: string | null; error: string | null } = { path: null, error: null };
            if (!diverged && engine.saliency) {
              try {
                const items = await engine.saliency(i, panelIndices(data.test.labels, data.spec.classNames.length));
                files.set(f.saliency, `${JSON.stringify(saliencyJson(m.cell, epoch, data.spec.classNames, items))}\n`);
                saliency = { path: f.saliency, error: null };
              } catch (e) {
                saliency = { path: null, error: (e as Error).message ?? String(e) };
              }
            }
            files.set(f.final, `${JSON.stringify(finalJson(m.cell, data.spec.classNames, m.last, m.status.divergedEpoch, saliency), null, 2)}\n`);
            if (!diverged) m.status.status = 'done';
            m.status.endedAt = new Date().toISOString();
            m.active = false;
          }
          files.set(f.status, `${JSON.stringify(m.status, null, 2)}\n`);
          statuses.set(m.cell.id, { ...m.status });
          files.set('study.json', studyFile());
          await cb.onEpoch({ run: m.ref, epoch, row, files, state });
          if (!m.active) await cb.onRunEnd({ run: m.ref, status: m.status.status as 'done' | 'diverged', epochsDone: m.status.epochsDone, error: null });
        } catch (e) {
          fail(m, e);
        }
      }
    }
  } catch (e) {
    for (const m of members) if (m.active) fail(m, e);
  } finally {
    engine?.dispose();
  }
  for (const m of members) {
    if (m.status.status === 'failed') await cb.onRunEnd({ run: m.ref, status: 'failed', epochsDone: m.status.epochsDone, error: m.status.error });
    else if (m.active) await cb.onRunEnd({ run: m.ref, status: 'interrupted', epochsDone: m.status.epochsDone, error: null });
  }
}

/** Connects the page to this backend (main.ts does, so a build trains for real). */
export function registerGpuTrainBackend(o: GpuBackendOptions = {}): void {
  registerTrainBackend(gpuTrainBackend(o));
}
