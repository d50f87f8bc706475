/**
 * `losslab run` at a terminal, as a person sees it: the fake-engine CLI in a pseudo-terminal
 * (util-linux `script`), Ctrl-C typed as the byte a keyboard sends (the terminal turns it into
 * SIGINT), and the screen text checked.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellWord } from '../src/commands/resume-hint.ts';
import { bundleFakeCli } from './helpers/spawn-cli.ts';
import { screen } from './helpers/terminal.ts';
import { useTmp } from './helpers/tmp.ts';

// util-linux `script`, and a pseudo-terminal it can open (a container may have no /dev/pts).
const hasScript = spawnSync('script', ['-qfec', 'true', '/dev/null'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
const tmp = useTmp();
let cli: Awaited<ReturnType<typeof bundleFakeCli>>;
beforeAll(async () => void (hasScript && (cli = await bundleFakeCli())), 60_000);
afterAll(() => cli?.dispose());

const ARGS = ['run', '--losses', 'ce,l1', '--seeds', '0', '--epochs', '3'];

/** Runs the fake CLI in a 160-column pseudo-terminal; `onScreen` sees the text so far and may type. */
function inTerminal(args: string[], env: Record<string, string>, onScreen?: (text: string, type: (s: string) => void) => void) {
  const cmd = `stty cols 160 rows 40; exec ${[process.execPath, cli.file, ...args].map(shellWord).join(' ')}`;
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { ...process.env, ...env, FORCE_COLOR: '0' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (d) => {
    text += d;
    onScreen?.(text, (s) => child.stdin.write(s));
  });
  return new Promise<{ code: number | null; text: string }>((resolve) => child.on('close', (code) => resolve({ code, text })));
}

if (!hasScript) console.warn('tty: the pseudo-terminal checks SKIPPED — they need `script` from util-linux and a pseudo-terminal');
describe.skipIf(!hasScript)('losslab run in a terminal', () => {
  it('a clean run: the bar shows LossLab\'s own study ETA, no placeholder loss, and every run\'s "done" line', async () => {
    const dir = join(await tmp(), 's');
    const r = await inTerminal([...ARGS, '--out', dir], { LOSSLAB_TEST_STEPS: '6', LOSSLAB_TEST_STEP_MS: '80' });
    expect(r.code, r.text).toBe(0);
    const lines = screen(r.text);
    const bars = r.text.split(/[\r\n]/).filter((l) => l.includes('study ETA') && l.includes('|'));
    expect(bars.length, r.text).toBeGreaterThan(3);
    for (const b of bars) expect(b).toMatch(/study ETA (after the first epoch|\d+s|\d+m\d\ds|\d+h\d\dm)(\s|$|\x1b)/);
    expect(r.text).not.toMatch(/loss –/);
    expect(lines).toContain('run 0 clean_convnet_ce_s0: done (3 epochs)');
    expect(lines).toContain('run 1 clean_convnet_l1_s0: done (3 epochs)');
    expect(lines.some((l) => /^study done in \d+s: 2 done; results in /.test(l))).toBe(true);
    expect(lines.filter((l) => l.includes('|')), 'a bar left on the screen').toEqual([]);
  }, 60_000);

  it('Ctrl-C: finishes the epoch, then prints the command that resumes the same study', async () => {
    const dir = join(await tmp(), 's');
    let typed = false;
    const r = await inTerminal([...ARGS, '--out', dir], { LOSSLAB_TEST_STEPS: '6', LOSSLAB_TEST_STEP_MS: '80' }, (text, type) => {
      if (!typed && /clean_convnet_ce_s0 epoch 1\/3/.test(text)) {
        typed = true;
        type('\x03');
      }
    });
    const lines = screen(r.text);
    expect(r.code, r.text).toBe(130);
    expect(lines.some((l) => /^(\^C)?SIGINT: stopping after the current epoch/.test(l)), r.text).toBe(true);
    // Which run the stop reaches depends on how fast the keystroke arrives on a loaded machine.
    expect(lines.some((l) => /^run \d clean_convnet_(ce|l1)_s0: interrupted \(\d epochs?\)$/.test(l)), r.text).toBe(true);
    const hint = lines.find((l) => l.startsWith('interrupted: '));
    expect(hint, r.text).toBe(`interrupted: runs stopped after their last completed epoch; continue with: node ${cli.file} ${ARGS.join(' ')} --out ${dir} --resume`);
  }, 60_000);
  it('Ctrl-C twice: stops at once, with the same command to continue', async () => {
    const dir = join(await tmp(), 's');
    let typed = 0;
    const r = await inTerminal([...ARGS, '--out', dir], { LOSSLAB_TEST_STEPS: '6', LOSSLAB_TEST_STEP_MS: '200' }, (text, type) => {
      if (typed === 0 && /clean_convnet_ce_s0 epoch 1\/3/.test(text)) type('\x03'), (typed = 1);
      if (typed === 1 && /SIGINT: stopping after the current epoch/.test(text)) type('\x03'), (typed = 2);
    });
    expect(r.code, r.text).toBe(130);
    const again = `SIGINT again: stopping now; continue from the last completed epoch with: node ${cli.file} ${ARGS.join(' ')} --out ${dir} --resume`;
    expect(screen(r.text).map((l) => l.replace(/^\^C/, '')), r.text).toContain(again);
  }, 60_000);
});
