/**
 * Human progress: in a terminal, a cli-progress bar per run (epoch, step, last train loss, study
 * ETA) with one line per epoch above it; without one (turbo, a pipe, a log file), the same lines
 * plus a line within an epoch every `everySeconds`.
 */
import cliProgress from 'cli-progress';
import type { Reporter } from '../study/reporter.ts';
import { duration, num } from './format.ts';

export interface TtyReporterOptions {
  /** Without a terminal: the least time between two within-epoch progress lines (default 10 s). */
  everySeconds?: number;
  /** Milliseconds now (tests pass a fake clock). */
  now?: () => number;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const studyEta = (s: number | null) => (s === null ? 'after the first epoch' : duration(s));

export function ttyReporter(stream: NodeJS.WriteStream = process.stdout, o: TtyReporterOptions = {}): Reporter {
  const now = o.now ?? Date.now;
  const everyMs = (o.everySeconds ?? 10) * 1000;
  // The payload's names must not be cli-progress's own ({eta}, {value}, …): those win over the payload.
  const bars = stream.isTTY
    ? new cliProgress.MultiBar({
        stream,
        format: '{run} |{bar}| epoch {epoch}/{epochs} step {step}/{steps}{lossPart} | study ETA {studyEta}',
        hideCursor: true,
        clearOnComplete: true,
        stopOnComplete: false,
      }, cliProgress.Presets.shades_classic)
    : null;
  let bar: cliProgress.SingleBar | null = null;
  let openRuns = 0; // runs of the current bar (a lockstep group shares one) still to end
  let steps = 1;
  let lossPart = '';
  let lastLine = 0;
  // While a bar is drawn a line goes above it at once; otherwise straight to the stream (a line
  // handed to cli-progress after its bars stopped would never be drawn).
  const line = (s: string) => {
    if (bar && bars) {
      bars.log(`${s}\n`);
      bars.update();
    } else stream.write(`${s}\n`);
    lastLine = now();
  };
  const stopBar = () => {
    if (!bar || !bars) return;
    bars.remove(bar);
    bars.stop();
    bar = null;
  };
  return {
    info: line,
    studyStart(e) {
      line(`study ${e.name} → ${e.outDir}: ${plural(e.cells.length, 'run')} (${e.selection}), ${plural(e.epochs, 'epoch')} each`);
    },
    runStart(e) {
      steps = e.stepsPerEpoch;
      lossPart = '';
      const what = e.resumed ? `resuming at epoch ${e.startEpoch}` : 'starting';
      const group = e.group ?? [e.cell];
      openRuns = group.length;
      if (group.length > 1) line(`runs ${group.map((c) => c.index).join(', ')} in lockstep (${group.length} runs as one program): ${what}`);
      else line(`run ${e.cell.index} ${e.cell.id}: ${what}`);
      const label = group.length > 1 ? `${group.length} runs` : e.cell.id;
      bar = bars?.create(e.epochs * steps, (e.startEpoch - 1) * steps, { run: label, epoch: e.startEpoch, epochs: e.epochs, step: 0, steps, lossPart, studyEta: '–' }) ?? null;
    },
    step(e) {
      const eta = studyEta(e.etaSeconds);
      if (bar) bar.update((e.epoch - 1) * steps + e.step, { epoch: e.epoch, step: e.step, steps: e.steps, lossPart, studyEta: eta });
      else if (!bars && e.step < e.steps && now() - lastLine >= everyMs) {
        line(`${e.cell.id} epoch ${e.epoch}: step ${e.step}/${e.steps} (${Math.floor((100 * e.step) / e.steps)}%), study ETA ${eta}`);
      }
    },
    epoch(e) {
      const r = e.row;
      lossPart = ` train_loss ${num(r.train_loss)}`;
      bar?.update(r.epoch! * steps, { epoch: r.epoch, step: steps, lossPart, studyEta: studyEta(e.etaSeconds) });
      const evalPart = e.evaluated ? ` test_loss ${num(r.test_loss)} test_acc ${num(r.test_acc)} f1 ${num(r.f1)} nll ${num(r.test_nll)} ece ${num(r.ece)}` : '';
      line(`${e.cell.id} epoch ${r.epoch}/${e.epochs}: train_loss ${num(r.train_loss)} train_acc ${num(r.train_acc)}${evalPart} lr ${r.lr} (${num(r.seconds, 1)} s, study ETA ${duration(e.etaSeconds)})`);
    },
    runEnd(e) {
      if (--openRuns <= 0) stopBar();
      const what = e.status === 'diverged' ? `diverged at epoch ${e.divergedEpoch}` : e.status === 'failed' ? `failed: ${e.error}` : `${e.status} (${plural(e.epochsDone, 'epoch')})`;
      line(`run ${e.cell.index} ${e.cell.id}: ${what}`);
    },
    studyEnd(e) {
      stopBar();
      const c = Object.entries(e.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ');
      line(`study done in ${duration(e.seconds)}: ${c}; results in ${e.outDir}`);
    },
  };
}
