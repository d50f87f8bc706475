/** losslab: the command-line interface of LossLab. */
import { main } from './program.ts';

process.exitCode = await main(process.argv);
