import { vi } from 'vitest';
import { main } from '../../src/program.ts';

/** Runs `losslab ARGS…` in-process and captures its exit code, stdout and stderr. */
export async function captureCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await main(['node', 'losslab', ...args]), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
