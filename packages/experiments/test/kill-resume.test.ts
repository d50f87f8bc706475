/**
 * kill -9 at every phase of a study, then --resume: the folder must equal an uninterrupted run's,
 * CSVs but for `seconds`, JSON but for timestamps — final.json and the state files included.
 * Every atomic write ends in a rename, so the phases are: after each rename of a results file
 * (every state the folder passes through), and before the first rename of each kind of file
 * (a temporary file left behind). Lease bookkeeping (lock and claim folders) is killed at its
 * first occurrence of each kind.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFakeCli, runCli, spawnCli } from './helpers/spawn-cli.ts';
import { expectSameStudy, listFiles } from './helpers/compare-studies.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();
let cli: Awaited<ReturnType<typeof bundleFakeCli>>;
beforeAll(async () => void (cli = await bundleFakeCli()), 60_000);
afterAll(() => cli?.dispose());

// Two runs (so the switch between cells is covered), an epoch without evaluation, a last epoch.
const ARGS = ['run', '--losses', 'ce,l1', '--seeds', '0', '--epochs', '3', '--eval-every', '2', '--step-size', '2'];

/** A rename's kind: lease internals (owner files, lock/claim folders, moved-aside names) collapse to one kind each. */
function kind(name: string): { kind: string; lease: boolean } {
  if (name === 'owner') return { kind: 'owner', lease: true };
  const m = /^\.(.+)\.(?:gone|new)-/.exec(name) ?? /^\.(.*\.(?:lock|claim))$/.exec(name);
  return m ? { kind: `lease ${m[1]} ${name.includes('.gone-') ? 'release' : 'take'}`, lease: true } : { kind: name, lease: false };
}

/** The (rename index, before|after) points to kill at. */
function killPoints(phases: string[]): { k: number; when: 'before' | 'after' }[] {
  const seenAfter = new Set<string>();
  const seenBefore = new Set<string>();
  const out: { k: number; when: 'before' | 'after' }[] = [];
  phases.forEach((name, i) => {
    const { kind: kd, lease } = kind(name);
    if (!lease || !seenAfter.has(kd)) out.push({ k: i + 1, when: 'after' });
    if (!seenBefore.has(kd)) out.push({ k: i + 1, when: 'before' });
    seenAfter.add(kd);
    seenBefore.add(kd);
  });
  return out;
}

/** Runs `fn` over `xs`, two at a time. */
async function inPairs<T>(xs: T[], fn: (x: T) => Promise<void>): Promise<void> {
  const queue = [...xs];
  await Promise.all([0, 1].map(async () => {
    for (let x = queue.shift(); x !== undefined; x = queue.shift()) await fn(x);
  }));
}

/** Kills a study at every phase and resumes it; `env` picks the engine (LOSSLAB_TEST_LOCKSTEP: the two runs train as one group). Returns the uninterrupted study's folder. */
async function killEverywhere(env: Record<string, string>): Promise<string> {
    const whole = join(await tmp(), 's');
    const ref = await runCli(cli.file, [...ARGS, '--out', whole], { ...env, LOSSLAB_TEST_RENAMES: '1' });
    expect(ref.code, ref.stderr).toBe(0);
    const phases = ref.stderr.split('\n').filter((l) => l.startsWith('RENAME ')).map((l) => l.split(' ')[2]);
    expect(phases.length).toBeGreaterThan(30);
    for (const f of ['CE_final.json', 'CE_state.bin', 'L1_results.csv', 'summary.md']) expect(phases).toContain(f);

    const base = await tmp();
    const points = killPoints(phases);
    const survived: string[] = [];
    await inPairs(points, async ({ k, when }) => {
      const dir = join(base, `${when}-${k}`);
      const p = spawnCli(cli.file, [...ARGS, '--out', dir], { ...env, LOSSLAB_TEST_PAUSE_AT: String(k), LOSSLAB_TEST_PAUSE_WHEN: when });
      await p.waitFor(/^PAUSED /);
      p.child.kill('SIGKILL');
      expect((await p.done).signal).toBe('SIGKILL');
      const r = await runCli(cli.file, [...ARGS, '--out', dir, '--resume'], env);
      expect(r.code, `kill ${when} rename ${k} (${phases[k - 1]}): ${r.stderr}`).toBe(0);
      try {
        await expectSameStudy(dir, whole);
      } catch (e) {
        throw new Error(`kill ${when} rename ${k} (${phases[k - 1]}), then --resume: ${(e as Error).message.split('\n')[0]}`);
      }
      survived.push(`${when} ${phases[k - 1]}`);
    });
    expect(survived).toHaveLength(points.length);
    // Every results file was killed around at least once.
    for (const f of ['CE_results.csv', 'CE_state.bin', 'CE_status.json', 'CE_saliency.json', 'CE_final.json', 'study.json', 'summary.json', 'summary.md']) {
      expect(survived).toContain(`before ${f}`);
      expect(survived).toContain(`after ${f}`);
    }
    console.log(`kill -9 survived at ${survived.length} points (${phases.length} renames in a run)${env.LOSSLAB_TEST_LOCKSTEP ? ' in lockstep' : ''}`);
    return whole;
}

describe('kill -9 at every phase, then --resume', () => {
  it('ends with the same files as an uninterrupted run, every time', async () => {
    await killEverywhere({});
  }, 600_000);

  it('the same with both runs training as one lockstep group (killed mid-group, resumed as a group), and the same files as alone', async () => {
    const together = await killEverywhere({ LOSSLAB_TEST_LOCKSTEP: '2' });
    const alone = join(await tmp(), 's');
    expect((await runCli(cli.file, [...ARGS, '--out', alone, '--lockstep', 'off'])).code).toBe(0);
    await expectSameStudy(together, alone);
  }, 600_000);

  it('a kill after the last epoch is saved but before final.json: final.json is complete after --resume', async () => {
    const whole = join(await tmp(), 's');
    const ref = await runCli(cli.file, [...ARGS, '--out', whole, '--losses', 'ce'], { LOSSLAB_TEST_RENAMES: '1' });
    const phases = ref.stderr.split('\n').filter((l) => l.startsWith('RENAME ')).map((l) => l.split(' ')[2]);
    const k = phases.indexOf('CE_saliency.json'); // the last state and status are written; final.json is next
    expect(phases.slice(k - 8, k)).toContain('CE_state.bin');
    const dir = join(await tmp(), 's');
    const p = spawnCli(cli.file, [...ARGS, '--out', dir, '--losses', 'ce'], { LOSSLAB_TEST_PAUSE_AT: String(k), LOSSLAB_TEST_PAUSE_WHEN: 'before' });
    await p.waitFor(/^PAUSED /);
    p.child.kill('SIGKILL');
    await p.done;
    expect(await listFiles(dir)).not.toContain('seed_0/CE_final.json');
    expect(JSON.parse(await readFile(join(dir, 'seed_0/CE_status.json'), 'utf8'))).toMatchObject({ status: 'running', epochsDone: 3 });
    expect((await runCli(cli.file, [...ARGS, '--out', dir, '--losses', 'ce', '--resume'])).code).toBe(0);
    const final = JSON.parse(await readFile(join(dir, 'seed_0/CE_final.json'), 'utf8'));
    expect(final).toMatchObject({ epoch: 3, status: 'done' });
    expect(final.confusion).toHaveLength(10);
    expect(final.perClass).toHaveLength(10);
    expect(final.calibration.bins).toHaveLength(15);
    expect(JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')).groups[0].rows[0].perClassRecall).toHaveLength(10);
    await expectSameStudy(dir, whole);
  }, 60_000);
});
