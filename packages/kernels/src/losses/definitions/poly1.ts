import type { LossDefinition } from '../definition.ts';

export default {
  name: 'poly1',
  expr: 'ce + epsilon * (1 - p[y])',
  params: { epsilon: { default: 1, min: -1, help: 'weight ε of the first polynomial term' } },
  label: 'Poly1-{epsilon}',
  help: 'Poly-1: CE + ε·(1 − p_y)',
  citation: 'Leng, Xu, Tan, et al. PolyLoss: A Polynomial Expansion Perspective of Classification Loss Functions. ICLR 2022',
  zoo: true,
} satisfies LossDefinition;
