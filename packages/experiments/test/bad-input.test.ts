/**
 * The bad-input battery: every row is a command line (with files it needs) that must end in one
 * line on stderr, the exit code given, and no work (the engine is never created). Adding a case
 * is adding a row.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runMain } from './helpers/main.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();

/** Files a row needs, made in a fresh folder `d` (its args use {d}). */
type Setup = (d: string) => Promise<void>;
const file = (name: string, text: string): Setup => async (d) => writeFile(join(d, name), text);

const ROWS: [string, string[], RegExp, Setup?][] = [
  // #6: --out checked before data and device
  ['--out is a file', ['run', '--out', '{d}/f'], /--out .*\/f: is a file, not a folder/, file('f', 'x')],
  ['--out under a file', ['run', '--out', '{d}/f/sub'], /--out .*: .*\/f is a file, not a folder/, file('f', 'x')],
  ['--out /dev/null', ['run', '--out', '/dev/null'], /--out \/dev\/null: is a file, not a folder/],
  ['--out under /proc', ['run', '--out', '/proc/losslab-x'], /--out \/proc\/losslab-x: cannot create \/proc\/losslab-x \(ENOENT\)/],
  // #7: seeds and batch size
  ['a billion seeds', ['run', '--seeds', '0-1000000000'], /--seeds: at most 10000 seeds/],
  ['a seed of 2³²', ['run', '--seeds', '0,4294967296'], /seeds must be integers from 0 to 4294967295/],
  ['a seed range past 2³²', ['run', '--seeds', '4294967295-4294967296'], /seeds must be at most 4294967295/],
  ['batch size 1e9', ['run', '--batch-size', '1e9'], /batch size must be at most the 50,000 training images, got 1000000000/],
  ['batch size past the subset', ['run', '--train-subset', '100', '--batch-size', '128'], /at most the 100 training images/],
  // #8: config files
  ['gamma 1e999 in a config file', ['run', '--config', '{d}/c.json'], /schedule gamma must be a finite number > 0, got Infinity/, file('c.json', '{"schedule": {"type": "step", "stepSize": 2, "gamma": 1e999}}')],
  ['lr 1e999 in a config file', ['run', '--config', '{d}/c.json'], /lr must be a finite number > 0, got Infinity/, file('c.json', '{"lr": 1e999}')],
  ['schedule and gamma both', ['run', '--config', '{d}/c.json'], /give either "schedule" or "stepSize"\/"milestones"\/"gamma", not both/, file('c.json', '{"gamma": 0.1, "schedule": {"type": "step", "stepSize": 5, "gamma": 0.5}}')],
  ['a duplicate key', ['run', '--config', '{d}/c.json'], /the key 'epochs' appears twice/, file('c.json', '{"epochs": 3, "seeds": [0], "epochs": 30}')],
  ['a duplicate nested key', ['run', '--config', '{d}/c.json'], /the key 'schedule.gamma' appears twice/, file('c.json', '{"schedule": {"type": "step", "gamma": 0.5, "stepSize": 2, "gamma": 5}}')],
  ['an unknown preset in a config file', ['run', '--config', '{d}/c.json'], /unknown preset 'fast'/, file('c.json', '{"preset": "fast"}')],
  ['a huge epoch count', ['run', '--epochs', '1e300'], /epochs must be a positive integer, got 1e\+300/],
  // #3: a damaged status file in the folder, without --resume
  ['a truncated status file', ['run', '--losses', 'ce', '--seeds', '0', '--epochs', '1', '--out', '{d}/s'], /CE_status.json is damaged \(not valid JSON\); add --resume/, async (d) => {
    await runMain(['run', '--losses', 'ce', '--seeds', '0', '--epochs', '1', '--out', join(d, 's')]);
    await writeFile(join(d, 's/seed_0/CE_status.json'), '{"id": "clean_conv');
  }],
  // #11: summary
  ['summary of a folder that is no study', ['summary', '{d}'], /holds no readable study.json/],
  ['parity with a missing fixture (before any device opens)', ['parity', '--fixture', '{d}/nope.json'], /cannot read fixture .*nope.json/],
  ['parity with a file that is no fixture', ['parity', '--fixture', '{d}/c.json'], /is not a parity fixture/, file('c.json', '{}')],
];

describe('bad input: one line, exit 2, no work', () => {
  it.each(ROWS)('%s', async (_name, args, msg, setup) => {
    const d = await tmp();
    await setup?.(d);
    const r = await runMain(args.map((a) => a.replace('{d}', d)));
    expect(r.err).toMatch(msg);
    expect(r.err.trim().split('\n'), r.err).toHaveLength(1);
    expect(r.code).toBe(2);
    expect(r.engine).not.toHaveBeenCalled();
  });
});

describe('unexpected errors', () => {
  it('are one line naming what failed; --verbose adds the stack', async () => {
    const d = await tmp();
    const engine = vi.fn(async () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', path: '/data/x' });
    });
    const r = await runMain(['run', '--epochs', '1', '--seeds', '0', '--losses', 'ce', '--out', join(d, 's')], engine);
    expect(r.code).toBe(1);
    expect(r.err).toBe('losslab run: write /data/x failed: ENOSPC (--verbose for details)\n');
    const v = await runMain(['run', '--epochs', '1', '--seeds', '0', '--losses', 'ce', '--out', join(d, 't'), '--verbose'], engine);
    expect(v.code).toBe(1);
    expect(v.err).toMatch(/^losslab run: write \/data\/x failed: ENOSPC\nError: ENOSPC[^\n]*\n\s+at /);
  });
});

describe('small commands', () => {
  it('--version', async () => {
    const r = await runMain(['--version']);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('run --list --json is one JSON object with the cells and which this process would run', async () => {
    const r = await runMain(['run', '--list', '--json', '--losses', 'ce,l1', '--seeds', '0-2', '--shard', '2/3']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.cells).toHaveLength(6);
    expect(j.cells.filter((c: { selected: boolean }) => c.selected).map((c: { index: number }) => c.index)).toEqual([1, 4]);
    expect(j.cells[0]).toMatchObject({ index: 0, id: 'clean_convnet_ce_s0', loss: 'ce', seed: 0, dir: 'seed_0', files: { csv: 'seed_0/CE_results.csv' } });
  });

  it('a config file\'s "preset" is its starting point; --preset overrides it', async () => {
    const d = await tmp();
    await writeFile(join(d, 'c.json'), '{"preset": "quick", "epochs": 2}');
    const r = await runMain(['run', '--list', '--json', '--config', join(d, 'c.json')]);
    expect(JSON.parse(r.out)).toMatchObject({ study: 'quick', outDir: 'results/quick' });
    expect(JSON.parse(r.out).cells).toHaveLength(4); // quick: seed 0 only
    const o = await runMain(['run', '--list', '--json', '--config', join(d, 'c.json'), '--preset', 'default']);
    expect(JSON.parse(o.out).cells).toHaveLength(12);
  });
});
