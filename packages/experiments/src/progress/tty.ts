/** Human progress: a cli-progress bar per run (epoch, step, loss, study ETA) and one line per epoch. */
import cliProgress from 'cli-progress';
import type { Reporter } from '../study/reporter.ts';
import { duration, num } from './format.ts';

export function ttyReporter(stream: NodeJS.WriteStream = process.stdout): Reporter {
  const bars = stream.isTTY
    ? new cliProgress.MultiBar({
        stream,
        format: '{run} |{bar}| epoch {epoch}/{epochs} step {step}/{steps} loss {loss} | study ETA {eta}',
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
      }, cliProgress.Presets.shades_classic)
    : null;
  let bar: cliProgress.SingleBar | null = null;
  let steps = 1;
  let loss = '–';
  const line = (s: string) => (bars ? bars.log(`${s}\n`) : stream.write(`${s}\n`));
  return {
    info: line,
    studyStart(e) {
      line(`study ${e.name} → ${e.outDir}: ${e.cells.length} run${e.cells.length === 1 ? '' : 's'} (${e.selection}), ${e.epochs} epochs each`);
    },
    runStart(e) {
      steps = e.stepsPerEpoch;
      loss = '–';
      line(`run ${e.cell.index} ${e.cell.id}: ${e.resumed ? `resuming at epoch ${e.startEpoch}` : 'starting'}`);
      bar = bars?.create(e.epochs * steps, (e.startEpoch - 1) * steps, { run: e.cell.id, epoch: e.startEpoch, epochs: e.epochs, step: 0, steps, loss, eta: '–' }) ?? null;
    },
    step(e) {
      bar?.update((e.epoch - 1) * steps + e.step, { epoch: e.epoch, step: e.step, steps: e.steps, loss, eta: duration(e.etaSeconds) });
    },
    epoch(e) {
      const r = e.row;
      loss = num(r.train_loss);
      bar?.update(r.epoch! * steps, { epoch: r.epoch, step: steps, loss, eta: duration(e.etaSeconds) });
      const evalPart = e.evaluated ? ` test_loss ${num(r.test_loss)} test_acc ${num(r.test_acc)} f1 ${num(r.f1)} nll ${num(r.test_nll)} ece ${num(r.ece)}` : '';
      line(`${e.cell.id} epoch ${r.epoch}/${e.epochs}: train_loss ${loss} train_acc ${num(r.train_acc)}${evalPart} lr ${r.lr} (${num(r.seconds, 1)} s, study ETA ${duration(e.etaSeconds)})`);
    },
    runEnd(e) {
      if (bar) {
        bar.stop();
        bars?.remove(bar);
        bar = null;
      }
      const what = e.status === 'diverged' ? `diverged at epoch ${e.divergedEpoch}` : e.status === 'failed' ? `failed: ${e.error}` : `${e.status} (${e.epochsDone} epochs)`;
      line(`run ${e.cell.index} ${e.cell.id}: ${what}`);
    },
    studyEnd(e) {
      bars?.stop();
      const c = Object.entries(e.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ');
      stream.write(`study done in ${duration(e.seconds)}: ${c}; results in ${e.outDir}\n`);
    },
  };
}
