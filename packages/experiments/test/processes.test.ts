/** Two processes on one study folder (one trainer per cell), and Ctrl-C: real child processes with the fake engine. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFakeCli, runCli, spawnCli } from './helpers/spawn-cli.ts';
import { expectSameStudy } from './helpers/compare-studies.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();
let cli: Awaited<ReturnType<typeof bundleFakeCli>>;
beforeAll(async () => void (cli = await bundleFakeCli()), 60_000);
afterAll(() => cli?.dispose());

const ARGS = ['run', '--losses', 'ce,l1', '--seeds', '0', '--epochs', '3'];
const SLOW = { LOSSLAB_TEST_STEP_MS: '60' }; // 4 steps: ~0.25 s per epoch
const SLOWER = { LOSSLAB_TEST_STEP_MS: '200' }; // ~0.8 s per epoch: still training when a second process has started
const starts = (r: { stdout: string; stderr: string }) => (r.stdout + r.stderr).split('\n').filter((l) => /: starting|: resuming/.test(l)).length;

/** The study run once without interference: what every test's folder must end up equal to. */
async function uninterrupted(): Promise<string> {
  const whole = join(await tmp(), 's');
  expect((await runCli(cli.file, [...ARGS, '--out', whole])).code).toBe(0);
  return whole;
}

describe('one process per cell', () => {
  it('run … & then run … --resume on the same folder: the second skips the cell the first is training', async () => {
    const whole = await uninterrupted();
    const dir = join(await tmp(), 's');
    const a = spawnCli(cli.file, [...ARGS, '--out', dir], SLOWER);
    await a.waitFor(/clean_convnet_ce_s0 epoch 1\/3/);
    const b = await runCli(cli.file, [...ARGS, '--out', dir, '--resume'], SLOW);
    const ra = await a.done;
    expect(ra.code, ra.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    // Which cell A is on when B looks depends on how fast B starts (a loaded machine): any will do.
    expect(b.stdout + b.stderr).toMatch(/skipping run clean_convnet_(ce|l1)_s0 for now: process \d+ on .+ is training it/);
    // Each cell trained once in all: A trained CE; L1 by whichever claimed it first.
    expect(starts(ra) + starts(b)).toBe(2);
    await expectSameStudy(dir, whole);
  }, 60_000);

  it('two starts at once on an empty folder never train a cell twice', async () => {
    const whole = await uninterrupted();
    const dir = join(await tmp(), 's');
    const [ra, rb] = await Promise.all([runCli(cli.file, [...ARGS, '--out', dir], SLOW), runCli(cli.file, [...ARGS, '--out', dir], SLOW)]);
    // The later one either refuses the folder (the first has results there) or skips the claimed cells.
    for (const r of [ra, rb]) expect([0, 2], r.stderr).toContain(r.code);
    expect(starts(ra) + starts(rb)).toBe(2);
    if (ra.code !== 0 || rb.code !== 0) expect(ra.stderr + rb.stderr + ra.stdout + rb.stdout).toMatch(/add --resume/);
    await expectSameStudy(dir, whole);
  }, 60_000);
});

describe('Ctrl-C', () => {
  it('finishes the epoch, marks the run interrupted, says how to resume; --resume completes it', async () => {
    const whole = await uninterrupted();
    const dir = join(await tmp(), 's');
    const a = spawnCli(cli.file, [...ARGS, '--out', dir], SLOW);
    await a.waitFor(/clean_convnet_ce_s0 epoch 1\/3/);
    a.child.kill('SIGINT');
    const r = await a.done;
    expect(r.code).toBe(130);
    expect(r.stdout + r.stderr).toMatch(/SIGINT: stopping after the current epoch/);
    expect(r.stdout + r.stderr).toContain(`continue with: node ${cli.file} ${ARGS.join(' ')} --out ${dir} --resume`);
    expect(r.stdout + r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    const status = JSON.parse(await readFile(join(dir, 'seed_0/CE_status.json'), 'utf8'));
    expect(status.status).toBe('interrupted');
    expect(status.epochsDone).toBeGreaterThanOrEqual(1);
    expect((await runCli(cli.file, [...ARGS, '--out', dir, '--resume'])).code).toBe(0);
    await expectSameStudy(dir, whole);
  }, 60_000);
});

describe('lockstep groups (a fake engine training both runs as one group)', () => {
  const LOCK = { LOSSLAB_TEST_LOCKSTEP: '2' };

  it('a second process skips the cells of the group the first is training, and the folder ends as a run alone would leave it', async () => {
    const whole = await uninterrupted();
    const dir = join(await tmp(), 's');
    const a = spawnCli(cli.file, [...ARGS, '--out', dir], { LOSSLAB_TEST_STEP_MS: '700', ...LOCK }); // ~3 s per epoch: B starts while A trains
    await a.waitFor(/in lockstep \(2 runs as one program\): starting/);
    await a.waitFor(/clean_convnet_ce_s0 epoch 1\/3/);
    const b = await runCli(cli.file, [...ARGS, '--out', dir, '--resume'], { ...SLOW, ...LOCK });
    const ra = await a.done;
    expect(ra.code, ra.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout + b.stderr).toMatch(/skipping run clean_convnet_ce_s0 for now: process \d+ on .+ is training it/);
    expect(b.stdout + b.stderr).toMatch(/skipping run clean_convnet_l1_s0 for now: process \d+ on .+ is training it/);
    expect(starts(b)).toBe(0);
    await expectSameStudy(dir, whole);
  }, 60_000);

  it('Ctrl-C finishes the epoch for every run of the group; --resume continues the group', async () => {
    const whole = await uninterrupted();
    const dir = join(await tmp(), 's');
    const a = spawnCli(cli.file, [...ARGS, '--out', dir], { ...SLOW, ...LOCK });
    await a.waitFor(/clean_convnet_l1_s0 epoch 1\/3/);
    a.child.kill('SIGINT');
    const r = await a.done;
    expect(r.code).toBe(130);
    const done = await Promise.all(['CE', 'L1'].map(async (l) => JSON.parse(await readFile(join(dir, `seed_0/${l}_status.json`), 'utf8'))));
    expect(done.map((s) => s.status)).toEqual(['interrupted', 'interrupted']);
    expect(done[0].epochsDone).toBe(done[1].epochsDone);
    const again = await runCli(cli.file, [...ARGS, '--out', dir, '--resume'], LOCK);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout + again.stderr).toMatch(/in lockstep \(2 runs as one program\): resuming at epoch/);
    await expectSameStudy(dir, whole);
  }, 60_000);
});

describe('a closed pipe', () => {
  it('run --list | head: ends quietly, exit 0, no EPIPE trace', async () => {
    const p = spawnCli(cli.file, ['run', '--list', '--seeds', '0-9999', '--losses', 'ce,focal:0.5,focal:2,l1']);
    p.child.stdout!.once('data', () => p.child.stdout!.destroy());
    const r = await p.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});
