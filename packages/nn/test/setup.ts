import { installNodeWebGPU } from '@losslab/kernels/node';
installNodeWebGPU();
