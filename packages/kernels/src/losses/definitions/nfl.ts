import type { LossDefinition } from '../definition.ts';

// The paper's definition, differentiated in full (the authors' code detaches the (1 − p)^γ weights).
export default {
  name: 'nfl',
  expr: 'focal(gamma) / sum_k(-pow(1 - p[k], gamma) * log(p[k]))',
  params: { gamma: { default: 0.5, min: 0 } },
  label: 'NFL{gamma}',
  help: 'normalized focal loss FL_y / Σ_k FL_k',
  citation: 'Ma, Huang, Wang, Romano, Erfani, Bailey. Normalized Loss Functions for Deep Learning with Noisy Labels. ICML 2020',
  zoo: true,
} satisfies LossDefinition;
