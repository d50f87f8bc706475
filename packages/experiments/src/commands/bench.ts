/** `losslab bench`: kernel, step, epoch and inference figures; `--vs-torch` adds PyTorch on this machine. */
import type { Command } from 'commander';
import { exitOnNoAdapter, openDevice } from '../gpu.ts';
import { runBench } from '../bench/index.ts';
import { loadCifar10 } from '../data/index.ts';
import { UsageError } from '../util/errors.ts';
import { reportError } from './errors.ts';

interface BenchFlags { batches: string; epochs: string; vsTorch?: boolean; rounds: string; out: string; kernels: boolean; torchThreads: string; dataDir?: string }

function positiveInts(flag: string, v: string): number[] {
  const xs = v.split(',').map((s) => Number(s.trim()));
  if (!xs.length || xs.some((x) => !Number.isInteger(x) || x <= 0)) throw new UsageError(`${flag} needs positive integers, got "${v}"`);
  return xs;
}

export function registerBench(program: Command, setExit: (code: number) => void): void {
  program
    .command('bench')
    .description('benchmark kernels, the training step, a CIFAR-10 epoch and inference on this adapter')
    .option('--batches <list>', 'batch sizes for kernels and steps', '64,256')
    .option('--epochs <n>', 'real CIFAR-10 epochs to time (0: none)', '1')
    .option('--vs-torch', 'also time PyTorch (reference/torch_train.py) epochs, alternating, and print the ratio')
    .option('--rounds <n>', 'alternating rounds with --vs-torch', '2')
    .option('--torch-threads <n>', 'PyTorch CPU threads', '2')
    .option('--no-kernels', 'skip the per-kernel table')
    .option('--data-dir <dir>', 'CIFAR-10 binary folder (else CIFAR10_DIR, the cache, or a download)')
    .option('--out <file>', 'write the figures as JSON', 'results/bench.json')
    .action(async (o: BenchFlags) => {
      try {
        const batches = positiveInts('--batches', o.batches);
        const [epochs] = o.epochs === '0' ? [0] : positiveInts('--epochs', o.epochs);
        const [rounds] = positiveInts('--rounds', o.rounds);
        const [torchThreads] = positiveInts('--torch-threads', o.torchThreads);
        const dataset = epochs > 0 || o.vsTorch ? await loadCifar10({ dataDir: o.dataDir }) : null;
        const dev = await openDevice((l) => console.log(l)).catch(exitOnNoAdapter);
        try {
          await runBench(dev, dataset, { batches, epochs, vsTorch: !!o.vsTorch, rounds, out: o.out, kernels: o.kernels, torchThreads }, (l) => console.log(l));
        } finally {
          dev.device.destroy();
        }
      } catch (e) {
        setExit(reportError('bench', e));
      }
    });
}
