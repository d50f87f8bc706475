/** The losslab command tree, with the engine injectable (tests pass a fake one). */
import { Command, CommanderError } from 'commander';
import { gpuEngineProvider, type EngineProvider } from './commands/engine.ts';
import { registerBench } from './commands/bench.ts';
import { registerParity } from './commands/parity.ts';
import { registerView } from './commands/view.ts';
import { registerPlot } from './commands/plot.ts';
import { registerReport } from './commands/report.ts';
import { registerRun } from './commands/run.ts';
import { registerSummary } from './commands/summary.ts';
import { registerCompare } from './commands/compare.ts';
import { registerExportMetrics } from './commands/export-metrics.ts';
import { registerSelftest } from './commands/selftest.ts';
import { exitOnNoAdapter, openDevice } from './gpu.ts';
import { smoke } from './smoke.ts';
import { reportError, setVerbose } from './commands/errors.ts';
import { registerExport } from './commands/export.ts';
import { registerGradcheck } from './commands/gradcheck.ts';
import pkg from '../package.json' with { type: 'json' };

export interface ProgramDeps {
  engine?: EngineProvider;
  env?: NodeJS.ProcessEnv;
}

/** Runs the CLI on `argv` (process.argv form) and returns the exit code. */
export async function main(argv: string[], deps: ProgramDeps = {}): Promise<number> {
  let code = 0;
  const setExit = (c: number) => void (code = c);
  const program = new Command();
  program.name('losslab').description('Loss-function studies on CIFAR-10, trained with hand-written WGSL on WebGPU');
  program.exitOverride();
  program.version(pkg.version, '-V, --version', 'print the version');
  // --verbose belongs to each command (a program-level one would take selftest's own --verbose away).
  program.hook('preAction', (_program, command) => setVerbose(!!command.opts().verbose));
  program
    .command('smoke')
    .description('check the WebGPU adapter with the smoke kernel (ReLU forward + backward vs the CPU)')
    .action(async () => {
      const { ctx, device } = await openDevice((l) => console.log(l)).catch(exitOnNoAdapter);
      const r = await smoke(ctx);
      console.log(`smoke: relu forward+backward on ${r.n} values, max |error| vs CPU = ${r.maxError} (${r.ms.toFixed(1)} ms)`);
      device.destroy();
      if (r.maxError !== 0) setExit(1);
    });
  registerRun(program, { engine: deps.engine ?? gpuEngineProvider, env: deps.env }, setExit);
  registerSummary(program, setExit);
  registerCompare(program, setExit);
  registerExportMetrics(program, setExit);
  registerParity(program, setExit);
  registerBench(program, setExit);
  registerSelftest(program, setExit);
  registerView(program, setExit);
  registerPlot(program, setExit);
  registerReport(program, setExit);
  registerExport(program, setExit);
  registerGradcheck(program, setExit);
  // What commander refuses (a missing argument or required option, an unknown flag) reads like every other error.
  const houseStyle = (who: string) => ({ outputError: (s: string, write: (s: string) => void) => write(`${who}: ${s.replace(/^error: /, '')}`) });
  program.configureOutput(houseStyle('losslab'));
  for (const c of program.commands) {
    if (!c.options.some((o) => o.long === '--verbose')) c.option('--verbose', 'print the stack of an unexpected error');
    c.configureOutput(houseStyle(`losslab ${c.name()}`));
  }
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (!(e instanceof CommanderError)) return reportError(program.args[0] ?? '', e);
    // Help and version are fine; anything else commander refuses is bad input.
    return e.exitCode === 0 ? 0 : 2;
  }
  return code;
}
