/** An unreadable data file (EACCES) is a one-line data error naming it (tests run as root, so the error is injected). */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DataError, readCifarDir, locateCifar10 } from '../src/data/index.ts';
import { SMALL, writeCifarDir } from './helpers/cifar.ts';
import { useTmp } from './helpers/tmp.ts';
import { rm } from 'node:fs/promises';

const denied = new Set<string>();
vi.mock('node:fs/promises', async (orig) => {
  const fs = await orig<typeof import('node:fs/promises')>();
  const readFile = (async (p: Parameters<typeof fs.readFile>[0], ...rest: unknown[]) => {
    if (denied.has(String(p))) throw Object.assign(new Error(`EACCES: permission denied, open '${String(p)}'`), { code: 'EACCES', syscall: 'open', path: String(p) });
    return (fs.readFile as (...a: unknown[]) => unknown)(p, ...rest);
  }) as typeof fs.readFile;
  return { ...fs, default: { ...fs, readFile }, readFile };
});

const tmp = useTmp();

describe('unreadable data files', () => {
  it.each(['data_batch_2.bin', 'batches.meta.txt'])('%s: names the file and the reason', async (name) => {
    const dir = await tmp();
    await writeCifarDir(dir);
    denied.add(join(dir, name));
    const e = await readCifarDir(dir, SMALL).catch((x) => x);
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe(`${join(dir, name)}: expected ${name.endsWith('.txt') ? 'the 10 class names, one per line' : 'a readable file'}, found it cannot be read (EACCES)`);
  });

  it('a folder with some files missing names which', async () => {
    const dir = await tmp();
    await writeCifarDir(dir);
    await rm(join(dir, 'data_batch_4.bin'));
    await rm(join(dir, 'test_batch.bin'));
    const e = await locateCifar10({ dataDir: dir }).catch((x) => x);
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/found data_batch_4.bin, test_batch.bin missing$/);
  });
});
