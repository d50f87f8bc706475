/** Leases (util/lock.ts): staleness that survives clock skew, and no one removes a lease they do not hold. */
import { mkdir, readdir, readFile, rename, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLease, LeaseBusyError, withLock } from '../src/util/lock.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A lease left by a process on another machine (its liveness cannot be checked here). */
async function foreignLease(dir: string, beat = 0): Promise<void> {
  await mkdir(dir);
  await writeFile(join(dir, 'owner'), JSON.stringify({ token: 'elsewhere-1-abc', host: 'another-machine', pid: 1, beat }));
}

describe('leases', () => {
  it('a dead holder whose folder has a future mtime (clock skew) goes stale after staleMs', async () => {
    const lock = join(await tmp(), '.lock');
    await foreignLease(lock);
    const future = new Date(Date.now() + 3600_000);
    await utimes(lock, future, future);
    await utimes(join(lock, 'owner'), future, future);
    const t0 = performance.now();
    let waited = false;
    const lease = await acquireLease(lock, { staleMs: 300, timeoutMs: 5000, waitNoticeMs: 100, onWait: () => (waited = true) });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    expect(waited).toBe(true);
    expect(JSON.parse(await readFile(join(lock, 'owner'), 'utf8')).token).toBe(lease.owner.token);
    await lease.release();
    expect(await readdir(join(lock, '..'))).toEqual([]);
  });

  it('a live holder (its heartbeat moves) is never broken, whatever the file times say', async () => {
    const lock = join(await tmp(), '.lock');
    const holder = await acquireLease(lock, { staleMs: 200, heartbeatMs: 30 });
    const past = new Date(Date.now() - 3600_000);
    await utimes(lock, past, past);
    const err = await acquireLease(lock, { staleMs: 200, timeoutMs: 800 }).catch((e) => e);
    expect(err).toBeInstanceOf(LeaseBusyError);
    expect((err as Error).message).toMatch(/is held by process \d+ on /);
    expect(JSON.parse(await readFile(join(lock, 'owner'), 'utf8')).beat).toBeGreaterThan(5);
    await holder.release();
  });

  it('a holder whose lease was broken does not delete the next holder\'s lease on release', async () => {
    const lock = join(await tmp(), '.lock');
    const first = await acquireLease(lock, { staleMs: 10_000 });
    await rename(lock, `${lock}-broken`); // as a waiter would, after a long stall of the holder
    const second = await acquireLease(lock, { staleMs: 10_000 });
    await first.release();
    expect(JSON.parse(await readFile(join(lock, 'owner'), 'utf8')).token).toBe(second.owner.token);
    await second.release();
  });

  it('many waiters on a stale lease: one holder at a time (no lost update)', async () => {
    const dir = await tmp();
    const lock = join(dir, '.lock');
    await foreignLease(lock);
    const counter = join(dir, 'n');
    await writeFile(counter, '0');
    let inside = 0;
    let most = 0;
    await Promise.all(Array.from({ length: 8 }, () => withLock(lock, async () => {
      most = Math.max(most, ++inside);
      const n = Number(await readFile(counter, 'utf8'));
      await sleep(5);
      await writeFile(counter, String(n + 1));
      inside--;
    }, { staleMs: 2000, timeoutMs: 20_000, onWait: () => undefined }))); // quiet: the wait notice is the first test's; staleMs well above a loaded machine's fsync stalls (the holders beat every 500 ms)
    expect(most).toBe(1);
    expect(await readFile(counter, 'utf8')).toBe('8');
  });
});
