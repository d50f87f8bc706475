/** Commands that other parts of LossLab implement; registered so the CLI's surface is stable. */
import type { Command } from 'commander';

const LATER: { name: string; description: string; message: string }[] = [
  { name: 'parity', description: 'compare the engine with PyTorch references', message: 'not implemented yet (the nn/kernels parity checks land with the training engine)' },
  { name: 'bench', description: 'benchmark the kernels and a training step', message: 'not implemented yet (kernel benchmarks land with @losslab/kernels)' },
  { name: 'view', description: 'serve the web viewer on study folders', message: 'is served by @losslab/viewer (packages/viewer); it is not wired into this CLI yet' },
];

export function registerLater(program: Command, setExit: (code: number) => void): void {
  for (const c of LATER) {
    program
      .command(c.name)
      .description(c.description)
      .argument('[args...]')
      .allowUnknownOption()
      .action(() => {
        process.stderr.write(`losslab ${c.name}: ${c.message}\n`);
        setExit(1);
      });
  }
}
