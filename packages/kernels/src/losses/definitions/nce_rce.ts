import type { LossDefinition } from '../definition.ts';

export default {
  name: 'nce_rce',
  expr: 'alpha * nce + beta * rce',
  params: { alpha: { default: 1, min: 0 }, beta: { default: 1, min: 0 } },
  label: 'NCE+RCE',
  aliases: ['nce+rce'],
  help: 'active-passive loss α·NCE + β·RCE (CIFAR-10 defaults α = β = 1)',
  citation: 'Ma, Huang, Wang, Romano, Erfani, Bailey. Normalized Loss Functions for Deep Learning with Noisy Labels. ICML 2020',
  zoo: true,
} satisfies LossDefinition;
