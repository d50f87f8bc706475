/** `losslab plot` and `losslab report` on a committed measurement folder, through the CLI's entry point (and `view`'s bad input). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/program.ts';

const MEASURED = fileURLToPath(new URL('../../../docs/measurements/default-study/losslab', import.meta.url));
const S0 = join(MEASURED, 'default-s0');

async function run(...args: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((c) => { err += String(c); return true; });
  try {
    return { code: await main(['node', 'losslab', ...args]), err };
  } finally {
    spy.mockRestore();
  }
}

describe('losslab plot / report', () => {
  const tmp = { dir: mkdtempSync(join(tmpdir(), 'losslab-plot-')) };
  afterAll(() => rmSync(tmp.dir, { recursive: true, force: true }));

  it('plot writes SVG and PNG of curves, summary, confusion matrices and reliability diagrams', async () => {
    const out = join(tmp.dir, 'figs');
    const r = await run('plot', S0, '--out', out);
    expect(r.code, r.err).toBe(0);
    const files = readdirSync(out);
    for (const n of ['curve_test_acc', 'curve_test_nll', 'summary', 'confusion_CE', 'reliability_L1']) {
      expect(files).toContain(`${n}.svg`);
      expect(files).toContain(`${n}.png`);
      expect(readFileSync(join(out, `${n}.png`)).subarray(1, 4).toString()).toBe('PNG');
      expect(readFileSync(join(out, `${n}.svg`), 'utf8')).toMatch(/^<\?xml[^>]*>\n<svg[\s\S]*<\/svg>\n$/);
    }
    expect(r.err).toMatch(/wrote \d+ files \(\d+ figures\)/);
  }, 60_000);

  it('plot merges several folders of one study', async () => {
    const out = join(tmp.dir, 'merged');
    const r = await run('plot', ...readdirSync(MEASURED).map((d) => join(MEASURED, d)), '--out', out, '--format', 'svg');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('merged 7 folders as one study');
    const summary = readFileSync(join(out, 'summary.svg'), 'utf8');
    expect(summary).toContain('0.5971'); // CE's mean over seeds 0-2, as docs/measurements/default-study/summary.md
    expect(existsSync(join(out, 'summary.png'))).toBe(false);
  }, 60_000);

  it('report writes one HTML file with the study inside (its folder made if missing)', async () => {
    const out = join(tmp.dir, 'not-yet', 'r.html');
    const r = await run('report', S0, '--out', out);
    expect(r.code, r.err).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('id="losslab-embedded"');
    expect(html).not.toMatch(/<script[^>]+src=/); // no external scripts: opens from disk
  });

  it('bad input is a one-line error, exit 2', async () => {
    for (const args of [['plot', join(tmp.dir, 'nope')], ['plot', S0, '--format', 'gif'], ['plot', S0, '--smoothing', '1'], ['report', join(tmp.dir, 'nope')],
      ['plot', S0, join(MEASURED, 'default-s1'), '--series', 'lr'], ['view', S0, '--port', '70000']]) {
      const r = await run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
