/**
 * The fake-engine CLI (fake-cli.ts) as a real child process: bundled once per test file with
 * vite (as the real CLI is), then started with `node` (a fraction of a second each).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Bundles fake-cli.ts; returns the bundle's path and a cleanup. */
export async function bundleFakeCli(): Promise<{ file: string; dispose: () => Promise<void> }> {
  const out = await mkdtemp(join(tmpdir(), 'losslab-fake-cli-'));
  // The real CLI's build config (its native externals, defines), with the fake CLI as entry.
  await build({
    root, configFile: join(root, 'vite.config.ts'), logLevel: 'error',
    build: { ssr: join(root, 'test/helpers/fake-cli.ts'), outDir: out, sourcemap: false, rollupOptions: { output: { entryFileNames: 'fake-cli.js' } } },
  });
  return { file: join(out, 'fake-cli.js'), dispose: () => rm(out, { recursive: true, force: true }) };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Spawned {
  child: ChildProcess;
  done: Promise<CliResult>;
  /** Resolves when stdout or stderr has printed a line matching `re`. */
  waitFor(re: RegExp): Promise<string>;
}

export function spawnCli(bundle: string, args: string[], env: Record<string, string> = {}): Spawned {
  const child = spawn(process.execPath, [bundle, ...args], { env: { ...process.env, ...env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let both = '';
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      const m = both.split('\n').find((l) => w.re.test(l));
      if (m !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout!.on('data', (d) => {
    stdout += d;
    both += d;
    check();
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
    both += d;
    check();
  });
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    child, done,
    waitFor: (re) => new Promise((resolve, reject) => {
      const m = both.split('\n').find((l) => re.test(l));
      if (m !== undefined) return resolve(m);
      waiters.push({ re, resolve });
      void done.then((r) => reject(new Error(`process ended (${r.code ?? r.signal}) before printing ${re}: ${r.stderr.slice(-500)}`)));
    }),
  };
}

export async function runCli(bundle: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return spawnCli(bundle, args, env).done;
}
