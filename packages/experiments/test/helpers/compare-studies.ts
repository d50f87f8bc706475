/** Compares two study folders file by file, ignoring what differs between runs by design (timings). */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { parseCsv } from '../../src/study/index.ts';

const TIME_KEYS = new Set(['createdAt', 'startedAt', 'endedAt']);

export async function listFiles(dir: string, root = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p, root)));
    else out.push(relative(root, p));
  }
  return out.sort();
}

function withoutTimes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutTimes);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => !TIME_KEYS.has(k)).map(([k, x]) => [k, withoutTimes(x)]));
  return v;
}

/** Every file equal: CSVs but for `seconds`, JSON but for createdAt/startedAt/endedAt, everything else byte for byte. */
export async function expectSameStudy(actual: string, expected: string): Promise<void> {
  const files = await listFiles(expected);
  expect(await listFiles(actual)).toEqual(files);
  for (const f of files) {
    const [a, b] = await Promise.all([readFile(join(actual, f)), readFile(join(expected, f))]);
    if (f.endsWith('.csv')) {
      const strip = (t: Buffer) => parseCsv(t.toString('utf8')).map(({ seconds: _s, ...r }) => r);
      expect(strip(a), f).toEqual(strip(b));
      expect(a.toString().split('\n')[0], f).toBe(b.toString().split('\n')[0]);
    } else if (f.endsWith('.json')) {
      expect(withoutTimes(JSON.parse(a.toString())), f).toEqual(withoutTimes(JSON.parse(b.toString())));
    } else {
      expect(a.equals(b), f).toBe(true);
    }
  }
}
