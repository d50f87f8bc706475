import type { LossDefinition } from '../definition.ts';

export default {
  name: 'taylor',
  expr: 'sum_i(1, n, pow(1 - p[y], i) / i)',
  params: { n: { default: 2, min: 1, max: 64, integer: true, help: 'order of the Taylor series of −log p_y around p_y = 1' } },
  label: 'Taylor{n}',
  help: 'Taylor cross-entropy Σ_{i=1..n} (1 − p_y)^i / i',
  citation: 'Feng, Shu, Lin, Lv, Li, An. Can Cross Entropy Loss Be Robust to Label Noise? IJCAI 2020',
  zoo: true,
} satisfies LossDefinition;
