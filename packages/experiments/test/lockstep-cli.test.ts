/** `losslab run --lockstep / --group` with a fake engine that groups runs (real child processes). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFakeCli, runCli } from './helpers/spawn-cli.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();
let cli: Awaited<ReturnType<typeof bundleFakeCli>>;
beforeAll(async () => void (cli = await bundleFakeCli()), 60_000);
afterAll(() => cli?.dispose());

const ARGS = ['run', '--losses', 'ce,focal:2,l1', '--seeds', '0,1', '--epochs', '2'];
const LOCK = { LOSSLAB_TEST_LOCKSTEP: '4' }; // the engine holds at most 4 runs per group

describe('--lockstep and --group', () => {
  it('auto groups as many as the engine holds and prints the groups; N caps them; off trains each alone', async () => {
    const out = async (...extra: string[]) => {
      const r = await runCli(cli.file, [...ARGS, '--out', join(await tmp(), 's'), ...extra], LOCK);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout + r.stderr;
    };
    expect(await out()).toContain('lockstep auto: 2 groups: [0 1 2 3] [4 5]');
    expect(await out('--lockstep', '3')).toContain('lockstep ≤ 3: 2 groups: [0 1 2] [3 4 5]');
    const off = await out('--lockstep', 'off');
    expect(off).not.toContain('lockstep');
    expect(off.match(/: starting/g)).toHaveLength(6);
  }, 120_000);

  it('--group K trains only that group\'s cells', async () => {
    const dir = join(await tmp(), 's');
    const r = await runCli(cli.file, [...ARGS, '--out', dir, '--lockstep', '2', '--group', '1'], LOCK);
    expect(r.code, r.stderr).toBe(0);
    const study = JSON.parse(await readFile(join(dir, 'study.json'), 'utf8'));
    const done = study.runs.filter((x: { status: string }) => x.status === 'done').map((x: { index: number }) => x.index);
    expect(done).toEqual([2, 3]);
  }, 60_000);

  it('bad values are one-line usage errors before any work', async () => {
    for (const [extra, msg] of [
      [['--lockstep', 'many'], /--lockstep must be auto, off or a number of runs ≥ 1, got 'many'/],
      [['--group', 'x'], /--group must be a group index/],
      [['--group', '0', '--cell', '1'], /give --group, --cell or --shard, not several/],
      [['--lockstep', '2', '--group', '9'], /--group is 9, but the grid makes 3 groups \(0–2\)/],
    ] as [string[], RegExp][]) {
      const r = await runCli(cli.file, [...ARGS, '--out', join(await tmp(), 's'), ...extra], LOCK);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
    }
  }, 120_000);
});
