/**
 * The bad-input battery: every row is a command line (with files it needs) that must end in one
 * line on stderr, the exit code given, and no work (the engine is never created). Adding a case
 * is adding a row.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runMain } from './helpers/main.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();

/** Files a row needs, made in a fresh folder `d` (its args use {d}). */
type Setup = (d: string) => Promise<void>;
const file = (name: string, text: string): Setup => async (d) => writeFile(join(d, name), text);
/** A finished 1-run study in d/name (made with the fake engine, not the row's). */
const study = (name: string, extra: string[] = []): Setup => async (d) => {
  const r = await runMain(['run', '--losses', 'ce', '--seeds', '0', '--epochs', '2', '--out', join(d, name), ...extra]);
  if (r.code !== 0) throw new Error(r.err);
};
/** A small valid parity fixture (two generated images), with `over` replacing its fields. */
const fixture = (over: Record<string, unknown>): Setup =>
  file('f.json', JSON.stringify({ params: {}, input: { shape: [2, 3, 32, 32], uniform: [-2, 2], seed: 1 }, target: [3, 7], ...over }));

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
  // Prototype keys: never Object.prototype's presets or settings
  ['--preset __proto__', ['run', '--preset', '__proto__'], /unknown preset '__proto__' \(known: default, quick, resnet20\)/],
  ['--preset constructor', ['run', '--preset', 'constructor'], /unknown preset 'constructor'/],
  ['--preset toString', ['run', '--preset', 'toString'], /unknown preset 'toString'/],
  ['a config file with __proto__', ['run', '--config', '{d}/c.json'], /config .*c.json: '__proto__' is not a setting/, file('c.json', '{"__proto__": {"bogus": 5}}')],
  ['a config file with a nested constructor', ['run', '--config', '{d}/c.json'], /'schedule.constructor' is not a setting/, file('c.json', '{"schedule": {"type": "step", "stepSize": 2, "gamma": 0.5, "constructor": {"x": 1}}}')],
  ['a config file with prototype', ['run', '--config', '{d}/c.json'], /'prototype' is not a setting/, file('c.json', '{"prototype": 1}')],
  // Numbers as written, and flags that contradict each other
  ['--seeds 0x10', ['run', '--seeds', '0x10'], /--seeds must be a number, got '0x10'/],
  ['--epochs 0b11', ['run', '--epochs', '0b11'], /--epochs must be a number, got '0b11'/],
  ['--lr empty', ['run', '--lr', ''], /--lr must be a number, got ''/],
  ['--batch-size 1_000', ['run', '--batch-size', '1_000'], /--batch-size must be a number/],
  ['--step-size with --milestones', ['run', '--step-size', '5', '--milestones', '2,3'], /give --step-size \(StepLR\) or --milestones \(MultiStepLR\), not both/],
  ['--cell with --shard', ['run', '--cell', '1', '--shard', '1/2'], /give --cell or --shard, not both/],
  ['--data-dir empty', ['run', '--data-dir', ''], /--data-dir needs a folder, got an empty name/],
  ['control bytes in a loss name', ['run', '--losses', '\u001b[31mc\re'], /\\x1b\[31mc\\x0de/],
  ['a megabyte of garbage as a loss', ['run', '--losses', 'x'.repeat(1 << 20)], /unknown loss .*x…/],
  ['control bytes in a preset name', ['run', '--preset', 'q\u001b]0;pwned\u0007'], /unknown preset 'q\\x1b\]0;pwned\\x07'/],
  // Outputs checked before any work
  ['bench --out a folder', ['bench', '--synthetic', '--out', '{d}'], /--out .*: is a folder, not a file/],
  ['bench --out under /proc', ['bench', '--synthetic', '--out', '/proc/losslab-x/b.json'], /cannot create \/proc\/losslab-x \(ENOENT\)/],
  ['bench --out under a file', ['bench', '--synthetic', '--out', '{d}/f/b.json'], /is a file, not a folder/, file('f', 'x')],
  ['bench --data-dir empty', ['bench', '--data-dir', ''], /--data-dir needs a folder/],
  ['plot --out under /proc', ['plot', '{d}/s', '--out', '/proc/plots'], /--out \/proc\/plots: cannot create \/proc\/plots \(ENOENT\)/, study('s')],
  ['plot --out a file', ['plot', '{d}/s', '--out', '{d}/f'], /--out .*\/f: is a file, not a folder/, async (d) => { await study('s')(d); await file('f', 'x')(d); }],
  ['report --out a folder', ['report', '{d}/s', '--out', '{d}'], /--out .*: is a folder, not a file/, study('s')],
  ['report --out under /proc', ['report', '{d}/s', '--out', '/proc/x/r.html'], /cannot create \/proc\/x \(ENOENT\)/, study('s')],
  ['export-metrics --out a folder', ['export-metrics', '{d}/s', '--out', '{d}'], /--out .*: is a folder, not a file/, study('s')],
  ['summary --out a file', ['summary', '{d}/s', '--out', '{d}/f'], /is a file, not a folder/, async (d) => { await study('s')(d); await file('f', 'x')(d); }],
  // Folders read together must share their settings
  ['summary of studies with different epochs', ['summary', '{d}/a', '{d}/b'], /\/a and .*\/b were trained with different settings \(epochs 2 vs 1\)/, async (d) => {
    await study('a')(d);
    await study('b', ['--epochs', '1'])(d);
  }],
  ['compare of studies with different learning rates', ['compare', '{d}/a', '{d}/b', '--reference', '{d}'], /different settings \(lr 0.01 vs 0.02\)/, async (d) => {
    await study('a')(d);
    await study('b', ['--lr', '0.02'])(d);
  }],
  // parity --trajectory: every flag checked before the data, the device or --out
  ['trajectory --seed 2³²', ['parity', '--trajectory', '--seed', '4294967296', '--out', '{d}/t'], /--seed: "4294967296" is not an integer from 0 to 4294967295/],
  ['trajectory --seed 0x10', ['parity', '--trajectory', '--seed', '0x10', '--out', '{d}/t'], /--seed: "0x10" is not an integer/],
  ['trajectory --batch-size 1e9', ['parity', '--trajectory', '--batch-size', '1e9', '--out', '{d}/t'], /--batch-size: "1e9" is not an integer from 1 to 50000/],
  ['trajectory --batch-size past the subset', ['parity', '--trajectory', '--train-subset', '100', '--batch-size', '128', '--out', '{d}/t'], /--batch-size: "128" is not an integer from 1 to 100/],
  ['trajectory --torch-threads 0', ['parity', '--trajectory', '--torch-threads', '0', '--out', '{d}/t'], /--torch-threads: "0" is not an integer from 1/],
  ['trajectory --out a file', ['parity', '--trajectory', '--out', '{d}/f'], /--out .*\/f: is a file, not a folder/, file('f', 'x')],
  ['trajectory --out under /proc', ['parity', '--trajectory', '--out', '/proc/traj'], /--out \/proc\/traj: cannot create \/proc\/traj \(ENOENT\)/],
  // parity --fixture: the fixture checked before the device opens
  ['fixture: input.data too short', ['parity', '--fixture', '{d}/f.json'], /input: 5 values for shape \[1, 3, 32, 32\] \(3072\)/, fixture({ input: { shape: [1, 3, 32, 32], data: [1, 2, 3, 4, 5] }, target: [0] })],
  ['fixture: a string value', ['parity', '--fixture', '{d}/f.json'], /input\.data\.1: .*expected number/, fixture({ input: { shape: [1, 3, 32, 32], data: [1, 'x', ...Array(3070).fill(0)] }, target: [0] })],
  ['fixture: target 99', ['parity', '--fixture', '{d}/f.json'], /target\.0: must be a class from 0 to 9/, fixture({ target: [99, 1] })],
  ['fixture: target -1', ['parity', '--fixture', '{d}/f.json'], /target\.1: /, fixture({ target: [1, -1] })],
  ['fixture: 4 M targets', ['parity', '--fixture', '{d}/f.json'], /target: /, fixture({ target: Array(4_000_000).fill(0) })],
  ['fixture: targets and images differ', ['parity', '--fixture', '{d}/f.json'], /target: 3 targets for 2 images/, fixture({ target: [0, 1, 2] })],
  ['fixture: not CIFAR images', ['parity', '--fixture', '{d}/f.json'], /input\.shape: must be \[N, 3, 32, 32\]/, fixture({ input: { shape: [2, 1, 28, 28], uniform: [-1, 1], seed: 1 } })],
  ['fixture: an unknown arch', ['parity', '--fixture', '{d}/f.json'], /arch: unknown architecture "vgg16"/, fixture({ arch: 'vgg16' })],
  ['fixture: an unknown meta.arch', ['parity', '--fixture', '{d}/f.json'], /arch: unknown architecture "resnet1202"/, fixture({ meta: { arch: 'resnet1202' } })],
  ['fixture: an index past the tensor', ['parity', '--fixture', '{d}/f.json'], /activations\.x: an index is past the 4 values/, fixture({ activations: { x: { shape: [2, 2], index: [9], data: [1] } } })],
];

describe('bad input: one line, exit 2, no work', () => {
  it.each(ROWS)('%s', async (_name, args, msg, setup) => {
    const d = await tmp();
    await setup?.(d);
    const r = await runMain(args.map((a) => a.replace('{d}', d)));
    expect(r.err).toMatch(msg);
    expect(r.err.trim().split('\n'), r.err).toHaveLength(1);
    expect(r.err).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/); // control bytes echoed escaped
    expect(r.err.length).toBeLessThan(2200); // garbage echoed by its start only
    expect(r.code).toBe(2);
    expect(r.engine).not.toHaveBeenCalled();
    if (args.includes('--out') && !args.includes('summary')) expect(existsSync(join(d, 't')), 'no --out folder left').toBe(false);
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
