/** `losslab summary` on folders that are not as they should be. */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFake, smallConfig } from './helpers/study.ts';
import { useTmp } from './helpers/tmp.ts';
import { runMain } from './helpers/main.ts';

const tmp = useTmp();

describe('summary', () => {
  it('--out a new folder: created', async () => {
    const dir = await tmp();
    await runFake(dir, smallConfig({ losses: ['ce'], seeds: [0], epochs: 1 }));
    const out = join(await tmp(), 'new/deeper');
    const r = await runMain(['summary', dir, '--out', out, '--quiet']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')).groups).toHaveLength(1);
  });

  it('a finished run whose CSV is missing or broken is left out and named, not a crash', async () => {
    const dir = await tmp();
    await runFake(dir, smallConfig({ losses: ['ce', 'l1'], seeds: [0, 1, 2], epochs: 1 }));
    await rm(join(dir, 'seed_1/CE_results.csv'));
    await writeFile(join(dir, 'seed_2/L1_results.csv'), 'epoch,train_loss\n"1,2\n');
    const r = await runMain(['summary', dir, '--quiet']);
    expect(r.code, r.err).toBe(0);
    const s = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'));
    const [ce, l1] = s.groups[0].rows;
    expect(ce).toMatchObject({ n: 2, seeds: [0, 2], damaged: [{ seed: 1, why: 'seed_1/CE_results.csv: missing' }] });
    expect(l1.damaged[0]).toMatchObject({ seed: 2, why: expect.stringMatching(/^seed_2\/L1_results.csv: not a results CSV/) });
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toMatch(/left out: seed 1 \(seed_1\/CE_results.csv: missing\)/);
  });
});
