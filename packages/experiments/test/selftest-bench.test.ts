// `losslab selftest` and `losslab bench --synthetic` at tiny settings on this machine's adapter (CI runs them on the software one).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../src/program.ts';
import { runSelftest } from '../src/commands/selftest.ts';
import { syntheticCifar, writeCifarDir } from '../src/bench/synthetic.ts';
import { readCifarDir } from '../src/data/index.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();

/** Runs the CLI in-process, returning its exit code and what it printed. */
async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const capture = (s: string | Uint8Array) => ((out += String(s)), true);
  const o = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const e = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  const l = vi.spyOn(console, 'log').mockImplementation((...a) => void (out += a.join(' ') + '\n'));
  try {
    return { code: await main(['node', 'losslab', ...args]), out };
  } finally {
    o.mockRestore();
    e.mockRestore();
    l.mockRestore();
  }
}

describe('losslab selftest', () => {
  it('runs the table, random and PyTorch fixture cases of an op on the adapter and passes', async () => {
    const { code, out } = await cli('selftest', '--filter', 'maxpool2d');
    expect(out).toMatch(/maxpool2d\s+\d+ passed/);
    expect(out).toMatch(/[1-9]\d* PyTorch fixtures/);
    expect(out).toMatch(/selftest: (\d+)\/\1 cases passed .* OK/);
    expect(code).toBe(0);
  }, 60_000);

  it('counts a failing case as a failure and prints it', async () => {
    const lines: string[] = [];
    const s = await runSelftest(async (c) => ({ name: c.name, op: c.op, pass: c.name !== 'bad', checks: [] }),
      [{ name: 'good', op: 'relu', inputs: {}, expected: {} }, { name: 'bad', op: 'relu', inputs: {}, expected: {} }], (l) => lines.push(l));
    expect(s.failed.map((r) => r.name)).toEqual(['bad']);
    expect(s.byOp.get('relu')).toEqual({ pass: 1, fail: 1 });
    expect(lines.join('\n')).toMatch(/FAIL .*bad/);
  });

  it('is a usage error when no case matches or a golden folder given is missing', async () => {
    expect((await cli('selftest', '--filter', 'no such case')).code).toBe(2);
    const missing = await cli('selftest', '--golden', join(await tmp(), 'none'));
    expect(missing.code).toBe(2);
    expect(missing.out).toMatch(/golden PyTorch cases not found/);
  }, 60_000);
});

describe('losslab bench --synthetic', () => {
  it('measures the limits, the step kernel by kernel, an epoch and the goals', async () => {
    const file = join(await tmp(), 'bench.json');
    const { code, out } = await cli('bench', '--synthetic', '--train-images', '128', '--batches', '16', '--no-kernels', '--epochs', '1', '--arch', 'convnet', '--out', file);
    expect(code, out).toBe(0);
    const r = JSON.parse(readFileSync(file, 'utf8'));
    expect(r.data).toBe('(synthetic)');
    expect(r.limits.gflops).toBeGreaterThan(0);
    expect(r.limits.gbps).toBeGreaterThan(0);
    const [step] = r.steps;
    expect(step).toMatchObject({ arch: 'convnet', batch: 16, readbacksPerStep: 0 });
    expect(step.perDispatch).toHaveLength(step.dispatches);
    expect(step.perDispatch.every((d: { ms: number; work?: { flops: number } }) => d.ms > 0 && d.work)).toBe(true);
    expect(step.submitsPerStep).toBeCloseTo(1 / step.stepsPerSubmit);
    const [epoch] = r.epochs;
    expect(epoch).toMatchObject({ arch: 'convnet', trainImages: 128 });
    expect(epoch.trainSeconds).toBeGreaterThan(epoch.losslab[0].train); // scaled to 50,000 images
    expect(epoch.studySeconds).toBeCloseTo(12 * 30 * (epoch.trainSeconds + epoch.evalSeconds));
    expect(r.goals.map((t: { id: number }) => t.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(r.goals[3].measured).toMatch(/hot kernels/); // every step kernel over 5% placed against the peak
    expect(out).toMatch(/goals:/);
    expect(out).toMatch(/of peak/);
    expect(out).toMatch(/EXTRAPOLATED/); // 128 images: the 50,000-image epoch is said to be extrapolated
    expect(out).not.toMatch(/issue #|stepping stone/i);
    expect(out.match(/^adapter:/gm)).toHaveLength(1);
  }, 300_000);

  it('rejects an unknown architecture with a one-line usage error', async () => {
    const { code, out } = await cli('bench', '--synthetic', '--arch', 'nonet');
    expect(code).toBe(2);
    expect(out.trim()).toMatch(/^losslab bench: --arch: unknown architecture "nonet"/);
  });
});

describe('synthetic CIFAR-shaped data', () => {
  it('is written in the binary layout the reader (and PyTorch) accept', async () => {
    const d = syntheticCifar({ train: 50, test: 10, seed: 3 });
    const back = await readCifarDir(writeCifarDir(await tmp(), d), { recordsPerBatch: 10 });
    expect(back.train.images).toEqual(d.train.images);
    expect(back.train.labels).toEqual(d.train.labels);
    expect(back.test.images).toEqual(d.test.images);
    expect(new Set(d.train.images).size).toBeGreaterThan(200); // varied bytes, not a constant image
  });
});
