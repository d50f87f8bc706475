/**
 * `losslab bench`: limits, kernel, step, epoch and inference figures; `--vs-torch` adds PyTorch on this machine.
 * `losslab bench --study`: the default study's runs four ways (LossLab lockstep and one at a time, PyTorch one at a time and vmap).
 */
import type { Command } from 'commander';
import { ARCHITECTURES } from '@losslab/nn';
import { exitOnNoAdapter, openDevice } from '../gpu.ts';
import { DEFAULT_STUDY, runBench } from '../bench/index.ts';
import { runStudyBenchOnDevice } from '../bench/study-run.ts';
import { RESNET_ARCH } from '../bench/goals.ts';
import { syntheticCifar } from '../bench/synthetic.ts';
import { loadCifar10 } from '../data/index.ts';
import { CIFAR10_SPEC } from '../data/index.ts';
import { UsageError } from '../util/errors.ts';
import { reportError } from './errors.ts';
import { ensureWritableFile } from '../util/out-dir.ts';

interface BenchFlags {
  arch?: string; batches: string; epochs: string; vsTorch?: boolean; rounds: string; out: string; kernels: boolean; torchThreads: string; dataDir?: string;
  synthetic?: boolean; trainImages: string; study?: boolean; testImages: string; cifar10?: boolean; torch: boolean;
}

/** `bench --study`'s defaults for the flags it shares with the plain bench: about 5 minutes on two idle CPU cores. */
const STUDY_DEFAULTS = { epochs: '2', trainImages: '2048', out: 'results/bench-study.json' };
/** The plain bench's flags that mean nothing to --study. */
const NOT_FOR_STUDY = ['arch', 'batches', 'vsTorch', 'kernels'] as const;

function positiveInts(flag: string, v: string): number[] {
  const xs = v.split(',').map((s) => Number(s.trim()));
  if (!xs.length || xs.some((x) => !Number.isInteger(x) || x <= 0)) throw new UsageError(`${flag} needs positive integers, got "${v}"`);
  return xs;
}

/** The ConvNet, and ResNet-20 where this build has it. */
const defaultArchs = () => ['convnet', ...(RESNET_ARCH in ARCHITECTURES ? [RESNET_ARCH] : [])].join(',');

export function registerBench(program: Command, setExit: (code: number) => void): void {
  program
    .command('bench')
    .description('benchmark the adapter\'s limits, kernels, training steps, an epoch and inference, and print the goals with the measured figures')
    .option('--arch <list>', `architectures to time (default: ${defaultArchs()})`)
    .option('--batches <list>', 'batch sizes for kernels and steps', '64')
    .option('--epochs <n>', 'training epochs to time per architecture (0: none)', '1')
    .option('--synthetic', 'CIFAR-shaped random data made on the spot instead of CIFAR-10 files (timings do not depend on pixels)')
    .option('--train-images <n>', 'training images of the synthetic data (fewer than 50,000: the 50,000-image epoch is extrapolated, start-up costs included)', String(CIFAR10_SPEC.trainSize))
    .option('--vs-torch', 'also time PyTorch (reference/torch_train.py) epochs, alternating, and print the ratio')
    .option('--rounds <n>', 'alternating rounds with --vs-torch', '2')
    .option('--torch-threads <n>', 'PyTorch CPU threads', '2')
    .option('--no-kernels', 'skip the per-kernel table')
    .option('--data-dir <dir>', 'CIFAR-10 binary folder (else CIFAR10_DIR, the cache, or a download)')
    .option('--out <file>', `write the figures as JSON (--study: ${STUDY_DEFAULTS.out})`, 'results/bench.json')
    .option('--study', `the default study's ${DEFAULT_STUDY.runs} runs four ways, alternating: LossLab in lockstep and one run at a time, PyTorch one run at a time ` +
      `and as a functorch vmap ensemble; scaled to ${DEFAULT_STUDY.epochs} epochs × 50,000 images (defaults: --epochs ${STUDY_DEFAULTS.epochs} --train-images ${STUDY_DEFAULTS.trainImages} --test-images 1000, synthetic data)`)
    .option('--test-images <n>', 'with --study: test images evaluated after every epoch (scaled to 10,000)', '1000')
    .option('--cifar10', 'with --study: CIFAR-10\'s files (--data-dir, CIFAR10_DIR or the cache) instead of synthetic data')
    .option('--no-torch', 'with --study: skip the PyTorch ways')
    .action(async (o: BenchFlags, cmd: Command) => {
      try {
        if (o.study) {
          await studyBench(o, cmd);
          return;
        }
        const given = (['testImages', 'cifar10', 'torch'] as const).find((k) => cmd.getOptionValueSource(k) === 'cli');
        if (given) throw new UsageError(`${given === 'torch' ? '--no-torch' : flagName(given)} is for --study`);
        const archs = (o.arch ?? defaultArchs()).split(',').map((s) => s.trim());
        const unknown = archs.filter((a) => !(a in ARCHITECTURES));
        if (unknown.length) throw new UsageError(`--arch: unknown architecture "${unknown[0]}"; known: ${Object.keys(ARCHITECTURES).join(', ')}`);
        const batches = positiveInts('--batches', o.batches);
        const [epochs] = o.epochs === '0' ? [0] : positiveInts('--epochs', o.epochs);
        const [rounds] = positiveInts('--rounds', o.rounds);
        const [torchThreads] = positiveInts('--torch-threads', o.torchThreads);
        const [trainImages] = positiveInts('--train-images', o.trainImages);
        if (!o.synthetic && o.trainImages !== String(CIFAR10_SPEC.trainSize)) throw new UsageError('--train-images is for --synthetic data');
        if (o.dataDir === '') throw new UsageError('--data-dir needs a folder, got an empty name');
        await ensureWritableFile(o.out); // now, not after minutes of measurements
        const needData = epochs > 0 || o.vsTorch;
        const dataset = !needData ? null : o.synthetic ? syntheticCifar({ train: trainImages }) : await loadCifar10({ dataDir: o.dataDir });
        const dev = await openDevice((l) => console.log(l)).catch(exitOnNoAdapter);
        try {
          await runBench(dev, dataset, { archs, batches, epochs, vsTorch: !!o.vsTorch, rounds, out: o.out, kernels: o.kernels, torchThreads }, (l) => console.log(l));
        } finally {
          dev.device.destroy();
        }
      } catch (e) {
        setExit(reportError('bench', e));
      }
    });
}

const flagName = (k: string) => `--${k.replace(/[A-Z]/g, (x) => `-${x.toLowerCase()}`)}`;

async function studyBench(o: BenchFlags, cmd: Command): Promise<void> {
  const bad = NOT_FOR_STUDY.find((k) => cmd.getOptionValueSource(k) === 'cli');
  if (bad) throw new UsageError(`${bad === 'kernels' ? '--no-kernels' : flagName(bad)} does not apply to --study (the default study's ConvNet, batch size and data)`);
  const pick = (k: keyof typeof STUDY_DEFAULTS) => (cmd.getOptionValueSource(k) === 'cli' ? o[k] : STUDY_DEFAULTS[k]);
  const [epochs] = positiveInts('--epochs', pick('epochs'));
  const [trainImages] = positiveInts('--train-images', pick('trainImages'));
  const [testImages] = positiveInts('--test-images', o.testImages);
  const [rounds] = positiveInts('--rounds', o.rounds);
  const [torchThreads] = positiveInts('--torch-threads', o.torchThreads);
  if (testImages > CIFAR10_SPEC.testSize) throw new UsageError(`--test-images: at most ${CIFAR10_SPEC.testSize}, got ${testImages}`);
  if (trainImages > CIFAR10_SPEC.trainSize) throw new UsageError(`--train-images: at most ${CIFAR10_SPEC.trainSize}, got ${trainImages}`);
  if (o.dataDir === '') throw new UsageError('--data-dir needs a folder, got an empty name');
  const real = o.cifar10 || o.dataDir !== undefined;
  if (real && o.synthetic) throw new UsageError(`--synthetic and ${o.cifar10 ? '--cifar10' : '--data-dir'} ask for different data`);
  const out = pick('out');
  await ensureWritableFile(out);
  const dataset = real ? await loadCifar10({ dataDir: o.dataDir }) : syntheticCifar({ train: trainImages, test: testImages });
  const dev = await openDevice((l) => console.log(l)).catch(exitOnNoAdapter);
  try {
    await runStudyBenchOnDevice(dev, dataset, { epochs, trainImages, testImages, rounds, torch: o.torch, torchThreads, out }, (l) => console.log(l));
  } finally {
    dev.device.destroy();
  }
}
