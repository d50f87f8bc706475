/**
 * `losslab parity --fixture FILE`: PyTorch parity of every activation, loss, gradient and SGD step.
 * `losslab parity --trajectory`: LossLab and PyTorch trained side by side on the same batches.
 */
import type { Command } from 'commander';
import { exitOnNoAdapter, openDevice } from '../gpu.ts';
import { parityCommand, prepareTrajectory, readParityFixture, trajectoryCommand, type TrajectoryFlags } from '../parity.ts';
import type { ParityFixture } from '@losslab/nn';
import { UsageError } from '../util/errors.ts';
import { reportError } from './errors.ts';
import { DATASETS, DEFAULT_DATASET } from '../data/index.ts';

interface ParityFlags extends Omit<TrajectoryFlags, 'arch'> {
  fixture?: string;
  trajectory?: boolean;
  arch?: string;
}

export function registerParity(program: Command, setExit: (code: number) => void): void {
  program
    .command('parity')
    .description('PyTorch parity: replay a fixture (--fixture, exit 1 past tolerance) or train both side by side on the same batches (--trajectory)')
    .option('--fixture <file>', 'fixture JSON, as written by the PyTorch fixture scripts of the LossLab source repository (not installed with the CLI)')
    .option('--trajectory', 'train LossLab and PyTorch from the same weights on the same batches and compare losses, parameters and epochs')
    .option('--arch <name>', "architecture: of the fixture (default: the fixture's own, else convnet) or to train (default convnet)")
    .option('--loss <name>', 'trajectory: loss', 'ce')
    .option('--seed <n>', 'trajectory: seed (initial weights, order, augmentation)', '0')
    .option('--epochs <n>', 'trajectory: epochs', '2')
    .option('--batch-size <n>', 'trajectory: batch size', '64')
    .option('--lr <x>', 'trajectory: learning rate', '0.01')
    .option('--momentum <x>', 'trajectory: SGD momentum', '0.9')
    .option('--weight-decay <x>', 'trajectory: SGD weight decay', '0')
    .option('--train-subset <n>', 'trajectory: train on a seeded subset of n training images (seeded by --seed)')
    .option('--step-size <n>', 'trajectory: StepLR step (epochs)', '10')
    .option('--gamma <x>', 'trajectory: StepLR factor', '0.5')
    .option('--dataset <name>', `trajectory: data set (${Object.keys(DATASETS).join(', ')}, or a manifest *.json)`, DEFAULT_DATASET)
    .option('--data-dir <dir>', "trajectory: a folder holding the data set's files (else its variable, system folder, the cache, or a download)")
    .option('--out <dir>', 'trajectory: folder for the exchanged files and compare.md (default results/trajectory/<setting>)')
    .option('--torch-threads <n>', 'trajectory: PyTorch CPU threads', '2')
    .option('--torch-float64', 'trajectory: also run PyTorch in float64, the yardstick for how far float32 rounding alone carries a run')
    .option('--compare-only', 'trajectory: only compare the runs already in --out (losslab.json, torch.json, torch64.json if any)')
    .action(async (o: ParityFlags) => {
      if (!o.fixture === !o.trajectory) {
        setExit(reportError('parity', new UsageError('give exactly one of --fixture FILE or --trajectory')));
        return;
      }
      const isUsage = (e: unknown) => e instanceof UsageError || (e instanceof Error && /cannot read fixture|not a parity fixture|unknown architecture|unknown loss|loss "/.test(e.message));
      let fixture: ParityFixture | undefined;
      try {
        // bad input is reported before the device opens (and before --out is created)
        if (o.fixture) fixture = readParityFixture(o.fixture);
        else await prepareTrajectory({ ...o, arch: o.arch ?? 'convnet' });
      } catch (e) {
        setExit(reportError('parity', isUsage(e) ? new UsageError((e as Error).message) : e));
        return;
      }
      const dev = await openDevice((l) => console.log(l)).catch(exitOnNoAdapter);
      try {
        const ok = fixture ? await parityCommand(dev, fixture, o.arch, (l) => console.log(l)) : await trajectoryCommand(dev, { ...o, arch: o.arch ?? 'convnet' }, (l) => console.log(l));
        setExit(ok ? 0 : 1);
      } catch (e) {
        setExit(reportError('parity', isUsage(e) ? new UsageError((e as Error).message) : e));
      } finally {
        dev.device.destroy();
      }
    });
}
