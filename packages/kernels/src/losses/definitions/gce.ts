import type { LossDefinition } from '../definition.ts';

export default {
  name: 'gce',
  expr: '(1 - pow(p[y], q)) / q',
  params: { q: { min: 0, minOpen: true, max: 1 } },
  label: 'GCE{q}',
  help: 'generalised cross-entropy (1 − p_y^q) / q',
  citation: 'Zhang, Sabuncu. Generalized Cross Entropy Loss for Training Deep Neural Networks with Noisy Labels. NeurIPS 2018',
} satisfies LossDefinition;
