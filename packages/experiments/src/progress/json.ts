/** Machine progress (--json): one JSON object per line on stdout, with an `event` field. */
import type { Reporter } from '../study/reporter.ts';
import type { Cell } from '../study/grid.ts';

function cellInfo(c: Cell) {
  return { index: c.index, id: c.id, loss: c.loss, label: c.label, seed: c.seed, data: c.data, arch: c.arch };
}

export function jsonReporter(write: (line: string) => void = (l) => process.stdout.write(l)): Reporter {
  const emit = (event: string, body: object) => write(JSON.stringify({ event, time: new Date().toISOString(), ...body }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) + '\n');
  let lastStep = 0;
  return {
    info: (message) => emit('info', { message }),
    studyStart: (e) => emit('study-start', { name: e.name, outDir: e.outDir, selection: e.selection, epochs: e.epochs, cells: e.cells.map(cellInfo) }),
    runStart: (e) => emit('run-start', { run: cellInfo(e.cell), ...(e.group ? { group: e.group.map((c) => c.id) } : {}), startEpoch: e.startEpoch, epochs: e.epochs, stepsPerEpoch: e.stepsPerEpoch, resumed: e.resumed }),
    step: (e) => {
      // At most one step line a second: machines want progress, not a flood.
      const now = Date.now();
      if (now - lastStep < 1000 && e.step !== e.steps) return;
      lastStep = now;
      emit('step', { run: e.cell.id, epoch: e.epoch, step: e.step, steps: e.steps, etaSeconds: e.etaSeconds });
    },
    epoch: (e) => emit('epoch', { run: e.cell.id, evaluated: e.evaluated, etaSeconds: e.etaSeconds, ...e.row }),
    runEnd: (e) => emit('run-end', { run: e.cell.id, status: e.status, epochsDone: e.epochsDone, divergedEpoch: e.divergedEpoch, error: e.error }),
    studyEnd: (e) => emit('study-end', { outDir: e.outDir, counts: e.counts, seconds: e.seconds }),
  };
}
