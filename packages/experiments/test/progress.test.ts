import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { resumeCommand } from '../src/commands/resume-hint.ts';
import { jsonReporter } from '../src/progress/json.ts';
import { ttyReporter } from '../src/progress/tty.ts';
import { expandGrid, runStudy } from '../src/study/index.ts';
import { fakeFactory } from './helpers/fake-engine.ts';
import { META, smallConfig } from './helpers/study.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();

describe('progress reporting', () => {
  it('--json: one JSON object per line, with the epoch rows', async () => {
    const dir = await tmp();
    const lines: string[] = [];
    const config = smallConfig({ losses: ['ce', 'l1'], seeds: [0], epochs: 2 });
    await runStudy({ config, dir, cells: expandGrid(config), selection: 'all', resume: false, reporter: jsonReporter((l) => lines.push(l)) }, fakeFactory({ divergeAt: { l1: 2 } }), META);
    const events = lines.map((l) => JSON.parse(l));
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    expect(events.map((e) => e.event).filter((e) => e !== 'step')).toEqual(['study-start', 'run-start', 'epoch', 'epoch', 'run-end', 'run-start', 'epoch', 'epoch', 'run-end', 'study-end']);
    const epoch = events.find((e) => e.event === 'epoch');
    expect(epoch).toMatchObject({ run: 'clean_convnet_ce_s0', epoch: 1, evaluated: true, lr: 0.01 });
    expect(events.filter((e) => e.event === 'epoch')[3]).toMatchObject({ train_loss: 'NaN' });
    expect(events.at(-1)).toMatchObject({ counts: { done: 1, diverged: 1 } });
  });

  it('without a terminal: one line per epoch and per run, no bars', async () => {
    const dir = await tmp();
    const stream = new PassThrough() as unknown as NodeJS.WriteStream;
    let text = '';
    (stream as unknown as PassThrough).on('data', (d) => (text += d));
    const config = smallConfig({ losses: ['ce'], seeds: [0], epochs: 2 });
    await runStudy({ config, dir, cells: expandGrid(config), selection: 'all', resume: false, reporter: ttyReporter(stream) }, fakeFactory(), META);
    const lines = text.trim().split('\n');
    expect(lines[0]).toMatch(/^study default → .*: 1 run \(all\), 2 epochs each$/);
    expect(lines.filter((l) => / epoch \d\/2: train_loss /.test(l))).toHaveLength(2);
    expect(lines.at(-2)).toBe('run 0 clean_convnet_ce_s0: done (2 epochs)');
    expect(lines.at(-1)).toMatch(/^study done in \d+s: 1 done; results in /);
  });

  it('without a terminal: a line within an epoch at most every 10 s, with the study ETA in units', () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream;
    let text = '';
    (stream as unknown as PassThrough).on('data', (d) => (text += d));
    let t = 0;
    const r = ttyReporter(stream, { now: () => t });
    const [cell] = expandGrid(smallConfig({ losses: ['ce'], seeds: [0], epochs: 2 }));
    r.runStart({ cell, startEpoch: 1, epochs: 2, stepsPerEpoch: 100, resumed: false });
    for (let step = 1; step <= 100; step++) {
      t += 400; // 40 s per epoch
      r.step({ cell, epoch: 1, step, steps: 100, etaSeconds: step < 50 ? null : 4000 });
    }
    const steps = text.trim().split('\n').filter((l) => l.includes(': step '));
    expect(steps).toEqual([
      'clean_convnet_ce_s0 epoch 1: step 25/100 (25%), study ETA after the first epoch',
      'clean_convnet_ce_s0 epoch 1: step 50/100 (50%), study ETA 1h06m',
      'clean_convnet_ce_s0 epoch 1: step 75/100 (75%), study ETA 1h06m',
    ]);
  });
});

describe('the resume command, as the study was started', () => {
  const cwd = '/home/u/losslab';
  const args = ['run', '--preset', 'quick', '--out', 'my results', '--resume'];
  it('npx losslab from the repository: npx losslab with the same flags, quoted for the shell', () => {
    expect(resumeCommand(['/usr/bin/node', `${cwd}/node_modules/.bin/losslab`, ...args], { npm_command: 'exec' }, cwd))
      .toBe("npx losslab run --preset quick --out 'my results' --resume");
  });
  it('node path/to/losslab.js: the same path, relative to where it was typed', () => {
    expect(resumeCommand(['/usr/bin/node', `${cwd}/packages/experiments/bin/losslab.js`, 'run', '--config', 'g.json'], {}, cwd))
      .toBe('node packages/experiments/bin/losslab.js run --config g.json --resume');
  });
  it('losslab from the PATH: losslab', () => {
    expect(resumeCommand(['/usr/bin/node', '/usr/local/bin/losslab', 'run', '--out', 'r'], {}, cwd)).toBe('losslab run --out r --resume');
  });
  it('turbo run experiment (npm runs the package script): the same turbo call, with its LOSSLAB_EXPERIMENT_ARGS', () => {
    const argv = ['/usr/bin/node', `${cwd}/packages/experiments/bin/losslab.js`, 'run', '--resume', '--preset', 'quick'];
    expect(resumeCommand(argv, { npm_lifecycle_event: 'experiment', LOSSLAB_EXPERIMENT_ARGS: '--preset quick' }, `${cwd}/packages/experiments`))
      .toBe("LOSSLAB_EXPERIMENT_ARGS='--preset quick' npx turbo run experiment");
    expect(resumeCommand(argv, { npm_lifecycle_event: 'experiment' }, cwd)).toBe('npx turbo run experiment');
  });
});
