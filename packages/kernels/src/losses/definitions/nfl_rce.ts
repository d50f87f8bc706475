import type { LossDefinition } from '../definition.ts';

export default {
  name: 'nfl_rce',
  expr: 'alpha * nfl(gamma) + beta * rce',
  params: { alpha: { default: 1, min: 0 }, beta: { default: 1, min: 0 }, gamma: { default: 0.5, min: 0 } },
  label: 'NFL+RCE',
  aliases: ['nfl+rce'],
  help: 'active-passive loss α·NFL + β·RCE (CIFAR-10 defaults α = β = 1, γ = 0.5)',
  citation: 'Ma, Huang, Wang, Romano, Erfani, Bailey. Normalized Loss Functions for Deep Learning with Noisy Labels. ICML 2020',
  zoo: true,
} satisfies LossDefinition;
