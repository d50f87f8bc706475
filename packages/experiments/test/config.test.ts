import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG, parseLoss, resolveConfig } from '../src/config/index.ts';
import { main } from '../src/program.ts';
import { UsageError } from '../src/util/errors.ts';
import { fakeFactory } from './helpers/fake-engine.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();

describe('loss names and labels', () => {
  it.each([
    ['ce', 'ce', 'CE'], ['focal:0.5', 'focal:0.5', 'Focal0.5'], ['focal:2', 'focal:2', 'Focal2'], ['focal:2.0', 'focal:2', 'Focal2'],
    ['FOCAL:0', 'focal:0', 'Focal0'], ['l1', 'l1', 'L1'], ['l1-logits', 'l1-logits', 'L1logits'], ['ls:0.1', 'ls:0.1', 'LS0.1'], ['gce:0.7', 'gce:0.7', 'GCE0.7'],
  ])('%s → %s, %s', (input, name, label) => {
    expect(parseLoss(input)).toMatchObject({ name, label });
  });

  it.each([
    ['msee', /unknown loss 'msee'/], ['focal', /parameter gamma missing/], ['focal:-1', /gamma must be ≥ 0, got -1/], ['focal:x', /must be a number/],
    ['ls:1', /eps must be in \[0, 1\)/], ['gce:0', /q must be in \(0, 1\]/], ['ce:1', /ce takes 0 parameters/],
    ['mypoly=ce + 2*(1-pp[y])', /unknown name "pp" at column 18/], ['bad=1/p[y]', /division by zero is possible at p\[y\] = 0: use clamp/],
  ])('rejects %s', (input, msg) => {
    expect(() => parseLoss(input)).toThrow(UsageError);
    expect(() => parseLoss(input)).toThrow(msg);
  });
});

describe('user-defined losses', () => {
  it('inline: named and labelled by its name, stored as its definition line', () => {
    expect(parseLoss('mypoly=ce + 2*(1-p[y])')).toMatchObject({ name: 'mypoly', label: 'mypoly', source: 'mypoly=ce + 2*(1-p[y])' });
    expect(parseLoss('w(a=2)=a*ce + max(0, 1 - z[y])')).toMatchObject({ name: 'w', source: 'w(a=2)=a*ce + max(0, 1 - z[y])' });
  });

  it('--losses splits at commas outside parentheses; a config file names losses from its loss file', async () => {
    const c = await resolveConfig({ losses: 'ce,w=max(ce, 1) + 0*p[y],sce:0.5,1' } as never).catch((e) => e);
    expect(c).toBeInstanceOf(UsageError); // 'sce:0.5' then '1' — a list of params needs the key form inside --losses
    const ok = await resolveConfig({ losses: 'ce,w=max(ce, 1),sce:alpha=0.5' });
    expect(ok.losses).toEqual(['ce', 'w=max(ce, 1)', 'sce:0.5,1']);
    const dir = await tmp();
    await writeFile(join(dir, 'mine.losses'), '# my losses\nmypoly=ce + 2*(1-p[y])\n\nsq(b=0.5)=b*sum_k(pow(p[k] - t[k], 2))\n');
    await writeFile(join(dir, 'study.json'), JSON.stringify({ lossFile: 'mine.losses', losses: ['ce', 'mypoly', 'sq'] }));
    const fromFile = await resolveConfig({ config: join(dir, 'study.json') });
    expect(fromFile.losses).toEqual(['ce', 'mypoly=ce + 2*(1-p[y])', 'sq(b=0.5)=b*sum_k(pow(p[k] - t[k], 2))']);
    const flagFile = await resolveConfig({ lossFile: join(dir, 'mine.losses'), losses: 'mypoly' });
    expect(flagFile.losses).toEqual(['mypoly=ce + 2*(1-p[y])']);
  });

  it('a bad line in a loss file names the file and line', async () => {
    const dir = await tmp();
    await writeFile(join(dir, 'bad.losses'), 'ok=ce\nbad=ce + pp\n');
    await expect(resolveConfig({ lossFile: join(dir, 'bad.losses'), losses: 'ok' })).rejects.toThrow(/bad\.losses:2: unknown name "pp" at column 10/);
  });
});

describe('study configuration', () => {
  it('defaults are the study', async () => {
    const c = await resolveConfig({});
    expect(c).toEqual(DEFAULT_CONFIG);
    expect(c).toMatchObject({ losses: ['ce', 'focal:0.5', 'focal:2', 'l1'], seeds: [0, 1, 2], epochs: 30, batchSize: 64, lr: 0.01, momentum: 0.9, schedule: { stepSize: 10, gamma: 0.5 }, evalEvery: 1, data: ['clean'], arch: ['convnet'] });
  });

  it('quick preset, then config file, then flags', async () => {
    const dir = await tmp();
    const file = join(dir, 'c.json');
    await writeFile(file, JSON.stringify({ epochs: 5, seeds: [3, 4], schedule: { type: 'step', stepSize: 2, gamma: 0.1 }, name: 'mine' }));
    expect(await resolveConfig({ preset: 'quick' })).toMatchObject({ name: 'quick', epochs: 3, seeds: [0], trainSubset: 10000, outDir: 'results/quick' });
    const c = await resolveConfig({ preset: 'quick', config: file, epochs: '7', gamma: '0.2', losses: 'ce,focal:2.0,gce:0.7', data: 'clean,lt100,noise40', trainSubset: 'all', nesterov: true, weightDecay: '5e-4' });
    expect(c).toMatchObject({
      name: 'mine', epochs: 7, seeds: [3, 4], schedule: { type: 'step', stepSize: 2, gamma: 0.2 }, losses: ['ce', 'focal:2', 'gce:0.7'],
      data: ['clean', 'lt100', 'noise40'], trainSubset: null, nesterov: true, weightDecay: 5e-4, outDir: 'results/mine', // the folder follows the name
    });
    expect((await resolveConfig({ name: 'x' })).outDir).toBe('results/x');
    expect((await resolveConfig({ seeds: '0-2,7' })).seeds).toEqual([0, 1, 2, 7]);
  });

  it("resnet20 preset is He et al.'s recipe; --milestones and --step-size switch the schedule's type", async () => {
    expect(await resolveConfig({ preset: 'resnet20' })).toMatchObject({
      arch: ['resnet20'], epochs: 164, batchSize: 128, lr: 0.1, momentum: 0.9, weightDecay: 1e-4,
      schedule: { type: 'multistep', milestones: [82, 123], gamma: 0.1 }, outDir: 'results/resnet20',
    });
    expect((await resolveConfig({ arch: 'resnet20,resnet8,convnet' })).arch).toEqual(['resnet20', 'resnet8', 'convnet']);
    expect((await resolveConfig({ milestones: '20,10', gamma: '0.2' })).schedule).toEqual({ type: 'multistep', milestones: [10, 20], gamma: 0.2 });
    expect((await resolveConfig({ preset: 'resnet20', stepSize: '5' })).schedule).toEqual({ type: 'step', stepSize: 5, gamma: 0.1 });
  });

  it.each([
    [{ milestones: '10,0' }, /a milestone must be a positive integer, got 0/],
    [{ milestones: '5,5' }, /milestones: '5' appears twice/],
    [{ losses: 'ce,hingee' }, /unknown loss 'hingee'/],
    [{ losses: 'focal:-0.5' }, /gamma must be ≥ 0/],
    [{ batchSize: '0' }, /batch size must be a positive integer, got 0/],
    [{ epochs: '-3' }, /epochs must be a positive integer/],
    [{ epochs: 'ten' }, /--epochs must be a number, got 'ten'/],
    [{ gamma: '-1' }, /gamma must be a finite number > 0/],
    [{ seeds: '0,0' }, /seeds: '0' appears twice/],
    [{ losses: 'focal:2,focal:2.0' }, /appears twice/],
    [{ data: 'dirty' }, /unknown data variant "dirty"/],
    [{ arch: 'resnet' }, /unknown architecture "resnet"/],
    [{ preset: 'slow' }, /unknown preset 'slow'/],
    [{ config: '/nonexistent/c.json' }, /cannot read config \/nonexistent\/c.json: ENOENT/],
  ])('rejects %o', async (flags, msg) => {
    await expect(resolveConfig(flags)).rejects.toThrow(msg);
    await expect(resolveConfig(flags)).rejects.toBeInstanceOf(UsageError);
  });

  it('rejects invalid and unknown keys in a config file', async () => {
    const dir = await tmp();
    await writeFile(join(dir, 'bad.json'), '{ "epochs": 3,, }');
    await writeFile(join(dir, 'typo.json'), '{ "epoch": 3 }');
    await expect(resolveConfig({ config: join(dir, 'bad.json') })).rejects.toThrow(/bad\.json is not valid JSON/);
    await expect(resolveConfig({ config: join(dir, 'typo.json') })).rejects.toThrow(/unknown setting 'epoch'/);
  });
});

describe('losslab run: bad input is one line and exit code 2, before any work', () => {
  async function runCli(args: string[]) {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (lines.push(String(s)), true));
    const engine = vi.fn(async () => ({ factory: fakeFactory(), classNames: [], close() {} }));
    try {
      const code = await main(['node', 'losslab', ...args], { engine, env: {} });
      return { code, err: lines.join(''), engine };
    } finally {
      spy.mockRestore();
    }
  }

  it.each([
    [['run', '--losses', 'ce,wat'], /^losslab run: unknown loss 'wat'/],
    [['run', '--losses', 'focal:-2'], /^losslab run: loss 'focal:-2': gamma must be ≥ 0/],
    [['run', '--losses', 'mypoly=ce + 2*(1-pp[y])'], /^losslab run: loss 'mypoly=ce \+ 2\*\(1-pp\[y\]\)': unknown name "pp" at column 18/],
    [['run', '--losses', 'x=log(1 - p[y])'], /log of zero is possible at p\[y\] = 1: use clamp/],
    [['run', '--losses', 'x=C'], /loss is not differentiable in z/],
    [['run', '--losses', 'focal'], /parameter gamma missing/],
    [['run', '--batch-size', '-64'], /^losslab run: batch size must be a positive integer/],
    [['run', '--epochs', '0'], /^losslab run: epochs must be a positive integer/],
    [['run', '--config', '/nonexistent.json'], /^losslab run: cannot read config/],
    [['run', '--cell', '99'], /^losslab run: --cell is 99, but the study has 12 cells/],
    [['run', '--shard', '3/2'], /^losslab run: --shard must be I\/N/],
    [['run', '--no-such-flag'], /^losslab run: unknown option '--no-such-flag'/],
  ])('%j', async (args, msg) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(msg);
    expect(r.engine).not.toHaveBeenCalled();
  });

  it('an output folder holding another study', async () => {
    const dir = await tmp();
    const out = join(dir, 'study');
    const first = await runCli(['run', '--epochs', '1', '--seeds', '0', '--losses', 'ce', '--out', out, '--json']);
    expect(first.code).toBe(0);
    const r = await runCli(['run', '--epochs', '2', '--seeds', '0', '--losses', 'ce', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^losslab run: .*study holds another study \('default': epochs 1 there vs 2 here\); choose another --out\n$/);
    expect(r.engine).not.toHaveBeenCalled();
    // The same study again without --resume: refused, it has results.
    const again = await runCli(['run', '--epochs', '1', '--seeds', '0', '--losses', 'ce', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already has run clean_convnet_ce_s0 \(done, 1\/1 epochs\); add --resume/);
  });
});
