/**
 * A folder lock for read-modify-write of shared files (study.json, summary.*) by processes that
 * share a study folder. mkdir is atomic; a lock older than `staleMs` (a killed holder) is broken.
 */
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';

export interface LockOptions {
  staleMs?: number;
  timeoutMs?: number;
}

export async function withLock<T>(lockDir: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const staleMs = opts.staleMs ?? 60_000;
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
    try {
      await mkdir(lockDir);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = await stat(lockDir).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > staleMs) await rm(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`could not take the lock ${lockDir} (held by another process?)`);
      else await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    }
  }
  try {
    await writeFile(`${lockDir}/owner`, `${process.pid}\n`).catch(() => undefined);
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}
