import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../src/program.ts';
import { read, readJson, runFake, shard, smallConfig } from './helpers/study.ts';
import { fakeFactory } from './helpers/fake-engine.ts';
import type { RunSpec } from '../src/engine/types.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();

function quiet<T>(fn: () => Promise<T>): Promise<T> {
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return fn().finally(() => {
    out.mockRestore();
    err.mockRestore();
  });
}

describe('split grids: shards, scheduler indices, merging', () => {
  it('two shards in separate folders merge with `losslab summary`', async () => {
    const [a, b, out] = [await tmp(), await tmp(), await tmp()];
    const config = smallConfig();
    await runFake(a, config, { cells: shard(config, '1/2') });
    await runFake(b, config, { cells: shard(config, '2/2') });
    expect((await readJson(a, 'summary.json')).groups[0].rows.map((r: { n: number }) => r.n)).toEqual([1, 1, 1]);
    const code = await quiet(() => main(['node', 'losslab', 'summary', a, b, '--out', out]));
    expect(code).toBe(0);
    const s = await readJson(out, 'summary.json');
    expect(s.groups[0].rows.map((r: { label: string; n: number; seeds: number[] }) => [r.label, r.n, r.seeds])).toEqual([['CE', 2, [0, 1]], ['Focal2', 2, [0, 1]], ['L1', 2, [0, 1]]]);
    expect(s.groups[0].rows[2].vsCE.test_acc.n).toBe(2);
    expect(s.sources).toHaveLength(2);
    expect(await read(out, 'summary.md')).toMatch(/L1 − CE, test accuracy/);
    expect(await quiet(() => main(['node', 'losslab', 'summary', out]))).toBe(2); // no study.json there
  });

  it('a merge of differently shaped studies lists losses in the order the studies configured them', async () => {
    const [a, b, c, out] = [await tmp(), await tmp(), await tmp(), await tmp()];
    // Grid order alone would put Focal2 (cell 0 of b) before Focal0.5 (cell 1 of a and c).
    await runFake(a, smallConfig({ losses: ['ce', 'focal:0.5'], seeds: [2] }));
    await runFake(b, smallConfig({ losses: ['focal:2'], seeds: [3] }));
    await runFake(c, smallConfig({ losses: ['ce', 'focal:0.5', 'focal:2', 'l1'], seeds: [0] }));
    expect(await quiet(() => main(['node', 'losslab', 'summary', a, b, c, '--out', out]))).toBe(0);
    const rows = (await readJson(out, 'summary.json')).groups[0].rows;
    expect(rows.map((r: { label: string; seeds: number[] }) => [r.label, r.seeds])).toEqual([['CE', [0, 2]], ['Focal0.5', [0, 2]], ['Focal2', [0, 3]], ['L1', [0]]]);
  });

  it('two cells running at once in one folder: every run recorded, study.json merged', async () => {
    const dir = await tmp();
    const config = smallConfig();
    await Promise.all([runFake(dir, config, { cells: shard(config, '1/2') }), runFake(dir, config, { cells: shard(config, '2/2') })]);
    const study = await readJson(dir, 'study.json');
    expect(study.status).toBe('done');
    expect(study.runs.map((r: { status: string }) => r.status)).toEqual(new Array(6).fill('done'));
    expect((await readdir(dir)).filter((f) => f.startsWith('.'))).toEqual([]); // no lock or temporary file left
    expect((await readJson(dir, 'summary.json')).groups[0].rows.map((r: { n: number }) => r.n)).toEqual([2, 2, 2]);
  });

  it('losslab run picks its cell from JOB_COMPLETION_INDEX and SLURM_ARRAY_TASK_ID', async () => {
    const dir = await tmp();
    const out = join(dir, 'grid');
    for (const env of [{ JOB_COMPLETION_INDEX: '4' }, { SLURM_ARRAY_TASK_ID: '0' }]) {
      const created: RunSpec[] = [];
      const engine = async () => ({ factory: fakeFactory({ created }), classNames: ['a'], close() {} });
      const args = ['node', 'losslab', 'run', '--losses', 'ce,l1', '--seeds', '0-2', '--epochs', '1', '--out', out, '--json'];
      expect(await quiet(() => main(args, { engine, env }))).toBe(0);
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject(env.JOB_COMPLETION_INDEX ? { loss: 'ce', seed: 2 } : { loss: 'ce', seed: 0 });
    }
    const study = await readJson(out, 'study.json');
    expect(study.runs.map((r: { status: string }) => r.status)).toEqual(['done', 'pending', 'pending', 'pending', 'done', 'pending']);
    expect(study.status).toBe('running');
  });
});
