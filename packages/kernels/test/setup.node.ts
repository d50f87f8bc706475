// Node test project: install Dawn once per worker (the instance lives on globalThis).
import { installNodeWebGPU } from '../src/node.ts';

const tried = installNodeWebGPU();
if (process.env.LOSSLAB_VERBOSE) console.log(`[kernels tests] WebGPU via Dawn: ${tried}`);
