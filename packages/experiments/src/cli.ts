/** losslab: the command-line interface of LossLab. */
import { Command } from 'commander';
import { openDevice, exitOnNoAdapter } from './gpu.ts';
import { smoke } from './smoke.ts';

const program = new Command();
program.name('losslab').description('Loss-function studies on CIFAR-10, trained with hand-written WGSL on WebGPU');

program
  .command('smoke')
  .description('check the WebGPU adapter with the smoke kernel (ReLU forward + backward vs the CPU)')
  .action(async () => {
    const { ctx, device } = await openDevice((l) => console.log(l)).catch(exitOnNoAdapter);
    const r = await smoke(ctx);
    console.log(`smoke: relu forward+backward on ${r.n} values, max |error| vs CPU = ${r.maxError} (${r.ms.toFixed(1)} ms)`);
    device.destroy();
    if (r.maxError !== 0) process.exit(1);
  });

program
  .command('run')
  .description('run the study (until the study lands: the smoke kernel)')
  .allowUnknownOption()
  .action(async () => {
    const { ctx, device } = await openDevice((l) => console.log(l)).catch(exitOnNoAdapter);
    const r = await smoke(ctx);
    console.log(`run: the training study is not built yet; ran the smoke kernel instead: relu on ${r.n} values, max |error| ${r.maxError}`);
    device.destroy();
  });

await program.parseAsync(process.argv);
