/**
 * Folder leases for processes that share a study folder, possibly on several machines (a shared
 * filesystem, grid array jobs). Used short (withLock: read-modify-write of study.json, summary.*)
 * and long (a per-cell claim held while the cell trains).
 *
 * A lease is a folder holding `owner` (JSON: token, host, pid, beat), created whole by renaming a
 * prepared folder onto the lease's name (atomic; it fails while someone holds it). The holder
 * rewrites `owner` with beat+1 every heartbeatMs. Staleness never compares file times with this
 * machine's clock (clock skew on shared filesystems): a waiter declares a lease stale when its
 * (token, beat) has not changed for staleMs of the waiter's own monotonic time, or at once when
 * the holder is a dead process on this host. Breaking and releasing only remove the folder after
 * checking, under a private name, that it still holds the token they meant.
 */
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { tempPathFor, writeFileAtomic } from './atomic.ts';

export interface LeaseOwner {
  token: string;
  host: string;
  pid: number;
  beat: number;
}

export interface LeaseOptions {
  /** A lease whose heartbeat has not moved for this long (as this process observes it) is broken. */
  staleMs?: number;
  heartbeatMs?: number;
  /** Give up waiting after this long (LeaseBusyError). 0: do not wait at all. */
  timeoutMs?: number;
  /** Called once when the wait has lasted waitNoticeMs (who holds it), so long waits are never silent. */
  onWait?: (holder: LeaseOwner | null) => void;
  waitNoticeMs?: number;
}

export class LeaseBusyError extends Error {
  override name = 'LeaseBusyError';
  constructor(readonly path: string, readonly holder: LeaseOwner | null) {
    super(`${path} is held by ${describeOwner(holder)}`);
  }
}

export function describeOwner(o: LeaseOwner | null): string {
  return o ? `process ${o.pid} on ${o.host}` : 'another process';
}

export interface Lease {
  readonly owner: LeaseOwner;
  release(): Promise<void>;
}

const HOST = hostname();

function newToken(): string {
  return `${HOST}-${process.pid}-${randomBytes(6).toString('hex')}`;
}

async function readOwner(dir: string): Promise<LeaseOwner | null> {
  try {
    const o = JSON.parse(await readFile(join(dir, 'owner'), 'utf8')) as LeaseOwner;
    return typeof o?.token === 'string' ? o : null;
  } catch {
    return null;
  }
}

/** True when `o` is a process of this host that no longer exists. */
function deadHere(o: LeaseOwner | null): boolean {
  if (!o || o.host !== HOST || o.pid === process.pid) return false;
  try {
    process.kill(o.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Removes the lease folder only if it still belongs to `token` (moved aside first, so no one else's is deleted). */
async function removeIfOwned(dir: string, token: string | null): Promise<boolean> {
  const aside = tempPathFor(dir, 'gone');
  try {
    await rename(dir, aside);
  } catch {
    return false; // already gone (someone else broke or released it)
  }
  const o = await readOwner(aside);
  if (token !== null && o?.token !== token) {
    // Not the lease we meant (it changed hands meanwhile): put it back.
    await rename(aside, dir).catch(() => undefined);
    return false;
  }
  await rm(aside, { recursive: true, force: true });
  return true;
}

async function tryCreate(dir: string, owner: LeaseOwner): Promise<boolean> {
  const prep = tempPathFor(dir, 'new');
  await mkdir(prep, { recursive: true });
  await writeFileAtomic(join(prep, 'owner'), JSON.stringify(owner) + '\n');
  try {
    await rename(prep, dir);
    return true;
  } catch (e) {
    await rm(prep, { recursive: true, force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EISDIR' || code === 'ENOTDIR') return false;
    throw e;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const noticeOnStderr = (dir: string) => (holder: LeaseOwner | null) =>
  void process.stderr.write(`waiting for ${dir}: held by ${describeOwner(holder)} (taken over if its heartbeat stops)\n`);

/** Takes the lease at `dir` (waiting while a live holder has it), and keeps its heartbeat going until release. */
export async function acquireLease(dir: string, opts: LeaseOptions = {}): Promise<Lease> {
  const staleMs = opts.staleMs ?? 30_000;
  const heartbeatMs = opts.heartbeatMs ?? Math.max(10, Math.floor(staleMs / 4));
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const start = performance.now();
  const owner: LeaseOwner = { token: newToken(), host: HOST, pid: process.pid, beat: 0 };
  let seen: { key: string; since: number } | null = null;
  let waited = false;
  for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
    if (await tryCreate(dir, owner)) break;
    const holder = await readOwner(dir);
    const key = holder ? `${holder.token}#${holder.beat}` : 'none';
    const now = performance.now();
    if (!seen || seen.key !== key) seen = { key, since: now };
    if (deadHere(holder) || now - seen.since > staleMs) {
      await removeIfOwned(dir, holder?.token ?? null);
      seen = null;
      continue;
    }
    if (now - start >= timeoutMs) throw new LeaseBusyError(dir, holder);
    if (!waited && now - start >= (opts.waitNoticeMs ?? 2000)) {
      waited = true;
      (opts.onWait ?? noticeOnStderr(dir))(holder);
    }
    await sleep(delay + Math.random() * delay);
  }
  let stopped = false;
  let beating: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    beating = beating.then(async () => {
      if (stopped) return;
      owner.beat++;
      // Only beat into our own lease: if it was broken, do not re-create it.
      if ((await readOwner(dir))?.token === owner.token) await writeFileAtomic(join(dir, 'owner'), JSON.stringify(owner) + '\n', { createDir: false }).catch(() => undefined);
    });
  }, heartbeatMs);
  timer.unref();
  return {
    owner,
    async release() {
      stopped = true;
      clearInterval(timer);
      await beating;
      await removeIfOwned(dir, owner.token);
    },
  };
}

/** Runs `fn` holding the lease at `lockDir` (short critical sections). */
export async function withLock<T>(lockDir: string, fn: () => Promise<T>, opts: LeaseOptions = {}): Promise<T> {
  const lease = await acquireLease(lockDir, opts);
  try {
    return await fn();
  } finally {
    await lease.release();
  }
}
