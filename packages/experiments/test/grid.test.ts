import { describe, expect, it } from 'vitest';
import { expandGrid, runFiles, selectCells } from '../src/study/index.ts';
import { UsageError } from '../src/util/errors.ts';
import { smallConfig } from './helpers/study.ts';

const grid = expandGrid(smallConfig({ data: ['clean', 'lt100', 'noise40'], seeds: [0, 1, 2] })); // 3 × 1 × 3 × 3 = 27

describe('the grid and cell selection', () => {
  it('stable indices: data, arch, seed, loss (loss fastest)', () => {
    expect(grid).toHaveLength(27);
    expect(grid.map((c) => c.index)).toEqual([...Array(27).keys()]);
    expect(grid[0]).toMatchObject({ id: 'clean_convnet_ce_s0', dir: 'clean_convnet/seed_0', label: 'CE' });
    expect(grid[4]).toMatchObject({ id: 'clean_convnet_focal2_s1', data: 'clean', seed: 1, loss: 'focal:2' });
    expect(grid[26]).toMatchObject({ id: 'noise40_convnet_l1_s2', dir: 'noise40_convnet/seed_2', label: 'L1' });
    expect(expandGrid(smallConfig({ data: ['clean', 'lt100', 'noise40'], seeds: [0, 1, 2] }))).toEqual(grid);
  });

  it('no two cells share a file', () => {
    const files = grid.flatMap((c) => Object.values(runFiles(c)));
    expect(new Set(files).size).toBe(files.length);
  });

  it('--cell, --shard, SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX', () => {
    expect(selectCells(grid, { cell: '17', env: {} }).cells.map((c) => c.index)).toEqual([17]);
    expect(selectCells(grid, { shard: '2/8', env: {} }).cells.map((c) => c.index)).toEqual([1, 9, 17, 25]);
    const shards = [1, 2, 3, 4].flatMap((i) => selectCells(grid, { shard: `${i}/4`, env: {} }).cells.map((c) => c.index));
    expect(shards.sort((a, b) => a - b)).toEqual([...Array(27).keys()]);
    expect(selectCells(grid, { env: { SLURM_ARRAY_TASK_ID: '5' } })).toMatchObject({ cells: [grid[5]], how: 'cell 5 of 27 (from SLURM_ARRAY_TASK_ID)' });
    expect(selectCells(grid, { env: { JOB_COMPLETION_INDEX: '26' } }).cells).toEqual([grid[26]]);
    expect(selectCells(grid, { env: { SLURM_ARRAY_TASK_ID: '3', JOB_COMPLETION_INDEX: '4' } }).cells).toEqual([grid[3]]);
    expect(selectCells(grid, { cell: '7', env: { SLURM_ARRAY_TASK_ID: '3' } }).cells).toEqual([grid[7]]);
    expect(selectCells(grid, { env: {} }).cells).toHaveLength(27);
  });

  it.each([
    [{ cell: '27' }, /--cell is 27, but the study has 27 cells \(0–26\)/],
    [{ cell: 'x' }, /--cell must be a cell index/],
    [{ shard: '0/4' }, /--shard must be I\/N/],
    [{ shard: '5/4' }, /--shard must be I\/N/],
    [{ env: { SLURM_ARRAY_TASK_ID: '40' } }, /SLURM_ARRAY_TASK_ID is 40/],
  ])('rejects %o', (sel, msg) => {
    expect(() => selectCells(grid, { env: {}, ...sel })).toThrow(UsageError);
    expect(() => selectCells(grid, { env: {}, ...sel })).toThrow(msg);
  });
});
