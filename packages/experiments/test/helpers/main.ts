/** The CLI in this process (main) with a fake engine, capturing stdout and stderr. */
import { vi, type Mock } from 'vitest';
import type { EngineProvider } from '../../src/commands/engine.ts';
import { main } from '../../src/program.ts';
import { fakeFactory } from './fake-engine.ts';

export async function runMain(args: string[], engine: Mock<EngineProvider> = vi.fn<EngineProvider>(async () => ({ factory: fakeFactory(), classNames: [] as string[], close() {} })), env: NodeJS.ProcessEnv = {}) {
  const err: string[] = [];
  const out: string[] = [];
  const spyErr = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  const spyOut = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  try {
    const code = await main(['node', 'losslab', ...args], { engine, env });
    return { code, err: err.join(''), out: out.join(''), engine };
  } finally {
    spyErr.mockRestore();
    spyOut.mockRestore();
  }
}
