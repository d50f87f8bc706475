import type { LossDefinition } from '../definition.ts';

export default {
  name: 'nce',
  expr: 'ce / sum_k(-log(p[k]))',
  label: 'NCE',
  help: 'normalized cross-entropy −log p_y / Σ_k −log p_k',
  citation: 'Ma, Huang, Wang, Romano, Erfani, Bailey. Normalized Loss Functions for Deep Learning with Noisy Labels. ICML 2020',
  zoo: true,
} satisfies LossDefinition;
