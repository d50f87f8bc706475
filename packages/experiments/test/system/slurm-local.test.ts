/**
 * scripts/slurm-local.sh end to end: a one-node SLURM on this machine runs examples/slurm-grid.sbatch
 * as a job array over the quick grid on real CIFAR-10, cancels and requeues one cell, and checks that
 * every cell finished exactly once (about a minute on 2 cores). Needs root (it installs slurm-wlm and
 * munge and starts their daemons), CIFAR10_DIR and the dist/ builds; skips, saying so, without them.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTmp } from '../helpers/tmp.ts';

const root = resolve(import.meta.dirname, '../../../..');
const missing = [
  process.getuid?.() === 0 ? null : 'root',
  process.env.CIFAR10_DIR && existsSync(join(process.env.CIFAR10_DIR, 'test_batch.bin')) ? null : 'CIFAR10_DIR',
  existsSync(join(root, 'packages/experiments/dist/cli.js')) ? null : 'the build (npx turbo run build)',
  existsSync('/usr/bin/apt-get') || existsSync('/usr/sbin/slurmctld') ? null : 'apt-get or slurm-wlm',
].filter(Boolean);
if (missing.length) console.warn(`slurm-local: SKIPPED — needs ${missing.join(', ')}`);

describe('SLURM on this machine', () => {
  const tmp = useTmp();
  it.skipIf(missing.length > 0)('runs the grid as a job array; a cancelled, requeued cell resumes; every cell finishes once', async () => {
    const work = join(await tmp(), 'slurm');
    const { stdout } = await promisify(execFile)('bash', [join(root, 'scripts/slurm-local.sh'), work], { cwd: root, maxBuffer: 16 << 20 }).catch((e) => {
      throw new Error(`slurm-local.sh failed (exit ${e.code}):\n${e.stdout}\n${e.stderr}`);
    });
    expect(stdout).toMatch(/slurm-local: OK — 4 cells finished exactly once each; cell 0 was cancelled after epoch 1, requeued and resumed/);
    expect(stdout).toMatch(/cell 0 \S+: 2 start\(s\) \(resumed=true at epoch [23]\)/);
    expect(stdout).toMatch(/stopped slurmctld/);
  }, 900_000);
});
