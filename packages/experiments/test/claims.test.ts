/**
 * Claims left by dead or foreign owners are taken over once their heartbeat has not moved for the
 * claim timeout (LOSSLAB_CLAIM_TIMEOUT, shortened here), and a task whose own cell stays untrained
 * (a live holder) exits non-zero. One row per kind of claim the battery found.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLease } from '../src/util/lock.ts';
import { runMain } from './helpers/main.ts';
import { useTmp } from './helpers/tmp.ts';
import { hostname } from 'node:os';

const tmp = useTmp();
const ARGS = ['run', '--losses', 'ce,focal:2', '--seeds', '0', '--epochs', '2'];
const ENV = { LOSSLAB_CLAIM_TIMEOUT: '0.3' };

/** A study where cell 1 is done and cell 0 (CE) is pending, its claim left as `owner` says. */
async function studyWithClaim(owner: string | null): Promise<string> {
  const out = join(await tmp(), 's');
  expect((await runMain([...ARGS, '--out', out, '--cell', '1'])).code).toBe(0);
  await mkdir(join(out, 'seed_0/.CE.claim'), { recursive: true });
  if (owner !== null) await writeFile(join(out, 'seed_0/.CE.claim/owner'), owner);
  return out;
}

const CLAIMS: [string, string | null][] = [
  ['another host', JSON.stringify({ token: 'othernode-4242-x', host: 'othernode', pid: 4242, beat: 7 })],
  ['an unrelated live process of this host (pid 1)', JSON.stringify({ token: `${hostname()}-1-x`, host: hostname(), pid: 1, beat: 3 })],
  ['a garbage owner file', '\u001b[2J not json'],
  ['an empty owner file', ''],
  ['no owner file', null],
  ['a dead process of this host', JSON.stringify({ token: `${hostname()}-999999999-x`, host: hostname(), pid: 999999999, beat: 0 })],
];

describe('claims from dead or foreign owners', () => {
  it.each(CLAIMS)('held by %s: taken over after the heartbeat timeout; the requeued task trains its cell', async (_name, owner) => {
    const out = await studyWithClaim(owner);
    const r = await runMain([...ARGS, '--out', out, '--resume'], undefined, { ...ENV, SLURM_ARRAY_TASK_ID: '0' });
    expect(r.code, r.err + r.out).toBe(0);
    const status = JSON.parse(await readFile(join(out, 'seed_0/CE_status.json'), 'utf8'));
    expect(status).toMatchObject({ status: 'done', epochsDone: 2 });
    expect(JSON.parse(await readFile(join(out, 'study.json'), 'utf8')).status).toBe('done');
  });

  it('held by a live process (its heartbeat moves): the task exits non-zero and says which run it left', async () => {
    const out = await studyWithClaim(null);
    await import('node:fs/promises').then((f) => f.rm(join(out, 'seed_0/.CE.claim'), { recursive: true }));
    const holder = await acquireLease(join(out, 'seed_0/.CE.claim'), { staleMs: 300, heartbeatMs: 50 });
    try {
      const r = await runMain([...ARGS, '--out', out, '--resume'], undefined, { ...ENV, SLURM_ARRAY_TASK_ID: '0' });
      expect(r.code).toBe(1);
      expect(r.out + r.err).toMatch(/not done: clean_convnet_ce_s0 \(process \d+ on .+ is training it \(its heartbeat kept moving\)\)/);
      expect(JSON.parse(await readFile(join(out, 'seed_0/CE_status.json'), 'utf8').catch(() => '{"status":"pending"}')).status).toBe('pending');
    } finally {
      await holder.release();
    }
  });

  it('LOSSLAB_CLAIM_TIMEOUT that is not a number of seconds is refused', async () => {
    const r = await runMain([...ARGS, '--out', join(await tmp(), 's')], undefined, { LOSSLAB_CLAIM_TIMEOUT: '1e9' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^losslab run: LOSSLAB_CLAIM_TIMEOUT must be seconds/);
  });
});
