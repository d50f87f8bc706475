import type { LossDefinition } from '../definition.ts';

export default {
  name: 'hinge',
  expr: 'sum_k((1 - t[k]) * max(0, margin + z[k] - z[y]))',
  params: { margin: { default: 1, min: 0, minOpen: true } },
  label: 'Hinge',
  help: 'multi-class hinge (Weston–Watkins) Σ_{k≠y} max(0, 1 + z_k − z_y) on the logits',
  citation: 'Weston, Watkins. Support Vector Machines for Multi-Class Pattern Recognition. ESANN 1999',
  zoo: true,
} satisfies LossDefinition;
