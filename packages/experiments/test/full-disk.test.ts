/**
 * The fault battery: every command that writes, with its output's write failing as a full disk
 * (ENOSPC half-way through), a read-only filesystem (EROFS) or a denied folder (EACCES) would make
 * it (tests run as root, so the faults are injected into node:fs/promises). Each row must end in
 * one line and exit 1, leave the previous output whole (every output is a temporary file, then a
 * rename) and no temporary file behind. Adding a case is adding a row.
 */
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { runMain } from './helpers/main.ts';
import { engineState } from './helpers/engine-state.ts';
import { encodeState } from '../src/study/state.ts';
import { useTmp } from './helpers/tmp.ts';

/** The output whose temporary file fails, and how. */
let fault: { file: string; code: 'ENOSPC' | 'EROFS' | 'EACCES' } | null = null;

vi.mock('node:fs/promises', async (orig) => {
  const fs = await orig<typeof import('node:fs/promises')>();
  const open = (async (p: Parameters<typeof fs.open>[0], ...rest: unknown[]) => {
    const f = fault;
    const hit = f && basename(String(p)).startsWith(`.${f.file}.tmp-`);
    if (hit && f.code !== 'ENOSPC') throw Object.assign(new Error(`${f.code}: injected, open '${String(p)}'`), { code: f.code, syscall: 'open', path: String(p) });
    const fh = await (fs.open as (...a: unknown[]) => Promise<import('node:fs/promises').FileHandle>)(p, ...rest);
    if (!hit) return fh;
    // A full disk: half the bytes land, then the write fails.
    return {
      writeFile: async (data: string | Uint8Array) => {
        const b = Buffer.from(data);
        await fh.write(b.subarray(0, b.length >> 1));
        throw Object.assign(new Error('ENOSPC: injected, write'), { code: 'ENOSPC', syscall: 'write' });
      },
      sync: () => fh.sync(),
      close: () => fh.close(),
    };
  }) as typeof fs.open;
  return { ...fs, default: { ...fs, open }, open };
});

const tmp = useTmp();
const ARGS = ['run', '--losses', 'ce,focal:2', '--seeds', '0', '--epochs', '2'];
let pristine: string;

beforeAll(async () => {
  pristine = join(await mkdtemp(join(tmpdir(), 'losslab-disk-')), 's');
  expect((await runMain([...ARGS, '--out', pristine])).code).toBe(0);
  // The fake engine's state is not a GPU engine's: give CE one that export can read.
  await writeFile(join(pristine, 'seed_0/CE_state.bin'), encodeState({ epoch: 2, engine: engineState('convnet').bytes, lastEval: null }));
  return () => rm(join(pristine, '..'), { recursive: true, force: true });
});

/** Each writing command: its arguments, and the output file (relative to the case's folder) that must survive whole. */
const WRITERS: [string, (d: string) => string[], string][] = [
  ['summary', (d) => ['summary', join(d, 's'), '--quiet'], 's/summary.json'],
  ['export-metrics --out', (d) => ['export-metrics', join(d, 's'), '--out', join(d, 'metrics.csv')], 'metrics.csv'],
  ['export', (d) => ['export', join(d, 's'), '--run', 'clean_convnet_ce_s0', '--out', join(d, 'w.safetensors')], 'w.safetensors'],
  ['plot', (d) => ['plot', join(d, 's'), '--out', join(d, 'figs'), '--format', 'svg'], 'figs/curve_test_acc.svg'],
  ['report', (d) => ['report', join(d, 's'), '--out', join(d, 'r.html')], 'r.html'],
];
const CODES = ['ENOSPC', 'EROFS', 'EACCES'] as const;

async function temps(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).filter((n) => /\.(tmp|new|gone)-/.test(n) || n.endsWith('.lock'));
}

describe('a write that fails, for every writing command', () => {
  const rows = WRITERS.flatMap(([cmd, args, out]) => CODES.map((code) => [`${cmd}: ${code}`, args, out, code] as const));
  it.each(rows)('%s: one line, exit 1, the previous output whole, no temporary file left', async (_name, args, out, code) => {
    const d = await tmp();
    await cp(pristine, join(d, 's'), { recursive: true });
    const first = await runMain(args(d));
    expect(first.code, first.err).toBe(0);
    const before = await readFile(join(d, out));
    fault = { file: basename(out), code };
    let r: Awaited<ReturnType<typeof runMain>>;
    try {
      r = await runMain(args(d));
    } finally {
      fault = null;
    }
    expect(r.code, r.err).toBe(1);
    const lines = r.err.trim().split('\n');
    expect(lines.at(-1)).toMatch(new RegExp(`^losslab \\S+: (open|write) .*failed: ${code} \\(--verbose for details\\)$`));
    expect(lines.filter((l) => l.startsWith('losslab '))).toHaveLength(1);
    expect(Buffer.compare(await readFile(join(d, out)), before)).toBe(0);
    expect(await temps(d)).toEqual([]);
  });

  it.each(CODES)('run: the results CSV fails with %s: the run is failed (exit 1), nothing half-written, --resume completes it', async (code) => {
    const d = await tmp();
    const out = join(d, 's');
    fault = { file: 'CE_results.csv', code };
    let r: Awaited<ReturnType<typeof runMain>>;
    try {
      r = await runMain([...ARGS, '--out', out]);
    } finally {
      fault = null;
    }
    expect(r.code).toBe(1);
    const status = JSON.parse(await readFile(join(out, 'seed_0/CE_status.json'), 'utf8'));
    expect(status).toMatchObject({ status: 'failed', error: expect.stringContaining(code) });
    expect(await temps(out)).toEqual([]);
    const again = await runMain([...ARGS, '--out', out, '--resume']);
    expect(again.code, again.err).toBe(0);
    expect(await readFile(join(out, 'seed_0/CE_results.csv'), 'utf8')).toBe(await readFile(join(pristine, 'seed_0/CE_results.csv'), 'utf8').then((t) => t));
  });
});
