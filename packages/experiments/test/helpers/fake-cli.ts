/**
 * The losslab CLI with the fake engine, for tests that need a real child process (kill -9, two
 * processes on one folder). Started by spawn-cli.ts. With LOSSLAB_TEST_PAUSE_AT=k (and optionally
 * LOSSLAB_TEST_PAUSE_WHEN=before), the k-th file rename of the process (every atomic write ends in
 * one) prints `PAUSED <k> <file>` on stderr and blocks, so the test can kill -9 it exactly there.
 * LOSSLAB_TEST_RENAMES=1 prints every rename (to count the phases of a run).
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { basename } from 'node:path';
import { CLASS_NAMES } from '../../src/data/index.ts';
import { main } from '../../src/program.ts';
import { installProcessGuards } from '../../src/process-guards.ts';
import { fakeFactory } from './fake-engine.ts';

const pauseAt = Number(process.env.LOSSLAB_TEST_PAUSE_AT ?? 0);
const before = process.env.LOSSLAB_TEST_PAUSE_WHEN === 'before';
const trace = process.env.LOSSLAB_TEST_RENAMES === '1';
let count = 0;
const realRename = fs.promises.rename;
const block = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
fs.promises.rename = async (from: fs.PathLike, to: fs.PathLike) => {
  const k = ++count;
  if (trace) process.stderr.write(`RENAME ${k} ${basename(String(to))}\n`);
  if (k === pauseAt && before) {
    process.stderr.write(`PAUSED ${k} ${basename(String(to))}\n`);
    block();
  }
  await realRename(from, to);
  if (k === pauseAt && !before) {
    process.stderr.write(`PAUSED ${k} ${basename(String(to))}\n`);
    block();
  }
};
syncBuiltinESMExports();

installProcessGuards();
const steps = Number(process.env.LOSSLAB_TEST_STEPS ?? 4);
const slowMs = Number(process.env.LOSSLAB_TEST_STEP_MS ?? 0);
const lockstep = Number(process.env.LOSSLAB_TEST_LOCKSTEP ?? 0) || undefined; // a fake lockstep engine grouping this many runs
process.exitCode = await main(process.argv, {
  engine: async () => ({
    factory: fakeFactory({ steps, stepMs: slowMs, lockstep }),
    classNames: CLASS_NAMES,
    close() {},
  }),
});
