/** `losslab parity --fixture FILE`: PyTorch parity of every activation, loss, gradient and SGD step. */
import type { Command } from 'commander';
import { exitOnNoAdapter, openDevice } from '../gpu.ts';
import { parityCommand } from '../parity.ts';
import { UsageError } from '../util/errors.ts';
import { reportError } from './errors.ts';

export function registerParity(program: Command, setExit: (code: number) => void): void {
  program
    .command('parity')
    .description('replay a PyTorch fixture (schema of shared/golden/convnet.json) on the device; exit 1 if any value is past tolerance')
    .requiredOption('--fixture <file>', 'fixture JSON (make one with packages/nn/scripts/make_fixture.py)')
    .option('--arch <name>', "architecture the fixture was made with (default: the fixture's own \"arch\", else convnet)")
    .action(async (o: { fixture: string; arch?: string }) => {
      const dev = await openDevice((l) => console.log(l)).catch(exitOnNoAdapter);
      try {
        setExit((await parityCommand(dev, o.fixture, o.arch, (l) => console.log(l))) ? 0 : 1);
      } catch (e) {
        setExit(reportError('parity', e instanceof Error && /cannot read fixture|not a parity fixture|unknown architecture/.test(e.message) ? new UsageError(e.message) : e));
      } finally {
        dev.device.destroy();
      }
    });
}
