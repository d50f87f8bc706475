/**
 * The browser study in IndexedDB (fake-indexeddb's in-memory IndexedDB): an epoch's state and files
 * are committed together or not at all, a reopened database resumes from the last committed epoch
 * of each run, studies are listed newest first and deleted whole.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { StudyStore, type StoredStudy } from '../../src/train/save/store.ts';

const study = (id: string, createdAt: string): StoredStudy => ({ id, name: `study-${id}`, config: { epochs: 3, losses: ['ce'] }, createdAt, updatedAt: createdAt, status: 'running' });
const bytes = (...v: number[]) => new Uint8Array(v);

describe('browser study store', () => {
  it('keeps each run\'s last committed epoch, its state and the files as of that epoch, across a reopen', async () => {
    const s = await StudyStore.open('t1');
    await s.putStudy(study('a', '2026-01-01T00:00:00Z'));
    await s.putFiles('a', new Map([['study.json', '{"name":"a"}']]));
    await s.commitEpoch({ study: 'a', run: 'clean_convnet_ce_s0', epoch: 1, state: bytes(1) }, new Map([['seed_0/CE_results.csv', 'epoch\n1\n']]));
    await s.commitEpoch({ study: 'a', run: 'clean_convnet_ce_s0', epoch: 2, state: bytes(2, 2) }, new Map([['seed_0/CE_results.csv', 'epoch\n1\n2\n']]));
    await s.commitEpoch({ study: 'a', run: 'clean_convnet_ce_s1', epoch: 1, state: bytes(9) }, new Map([['seed_1/CE_results.csv', 'epoch\n1\n']]));
    s.close();
    const again = await StudyStore.open('t1');
    const cps = await again.checkpoints('a');
    expect([...cps.keys()].sort()).toEqual(['clean_convnet_ce_s0', 'clean_convnet_ce_s1']);
    expect(cps.get('clean_convnet_ce_s0')!.epoch).toBe(2);
    expect(Array.from(cps.get('clean_convnet_ce_s0')!.state)).toEqual([2, 2]);
    expect(Object.fromEntries(await again.files('a'))).toEqual({
      'seed_0/CE_results.csv': 'epoch\n1\n2\n', 'seed_1/CE_results.csv': 'epoch\n1\n', 'study.json': '{"name":"a"}',
    });
    again.close();
  });

  it('stores nothing of an epoch whose commit fails: state and files stay at the previous epoch', async () => {
    const s = await StudyStore.open('t2');
    await s.putStudy(study('b', '2026-01-01T00:00:00Z'));
    await s.commitEpoch({ study: 'b', run: 'r', epoch: 1, state: bytes(1) }, new Map([['seed_0/CE_results.csv', 'one']]));
    // A value IndexedDB cannot store (a function) fails the put after the state was written in the same transaction.
    const bad = new Map<string, unknown>([['seed_0/CE_results.csv', 'two'], ['seed_0/CE_status.json', () => 0]]);
    await expect(s.commitEpoch({ study: 'b', run: 'r', epoch: 2, state: bytes(2) }, bad as Map<string, string>)).rejects.toThrow();
    expect((await s.checkpoints('b')).get('r')!.epoch).toBe(1);
    expect((await s.files('b')).get('seed_0/CE_results.csv')).toBe('one');
    await expect(s.commitEpoch({ study: 'nope', run: 'r', epoch: 1, state: bytes() }, new Map())).rejects.toThrow('no stored study nope');
    s.close();
  });

  it('lists studies newest first and deletes one with its runs and files', async () => {
    const s = await StudyStore.open('t3');
    await s.putStudy(study('old', '2026-01-01T00:00:00Z'));
    await s.putStudy(study('new', '2026-02-01T00:00:00Z'));
    await s.commitEpoch({ study: 'old', run: 'r', epoch: 1, state: bytes(1) }, new Map([['x.csv', 'x']]));
    await s.commitEpoch({ study: 'new', run: 'r', epoch: 1, state: bytes(1) }, new Map([['x.csv', 'y']]));
    expect((await s.studies()).map((x) => x.id)).toEqual(['new', 'old']);
    await s.deleteStudy('old');
    expect((await s.studies()).map((x) => x.id)).toEqual(['new']);
    expect((await s.checkpoints('old')).size).toBe(0);
    expect((await s.files('old')).size).toBe(0);
    expect((await s.files('new')).get('x.csv')).toBe('y');
    s.close();
  });
});
