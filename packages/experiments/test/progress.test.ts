import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
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
});
