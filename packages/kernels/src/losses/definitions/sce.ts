import type { LossDefinition } from '../definition.ts';

export default {
  name: 'sce',
  expr: 'alpha * ce + beta * rce',
  params: { alpha: { default: 0.1, min: 0 }, beta: { default: 1, min: 0 } },
  label: 'SCE',
  help: 'symmetric cross-entropy α·CE + β·RCE (CIFAR-10 defaults α = 0.1, β = 1)',
  citation: 'Wang, Ma, Chen, Luo, Yi, Bailey. Symmetric Cross Entropy for Robust Learning with Noisy Labels. ICCV 2019',
  zoo: true,
} satisfies LossDefinition;
