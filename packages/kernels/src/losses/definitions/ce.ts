import type { LossDefinition } from '../definition.ts';

export default {
  name: 'ce',
  expr: '-log(p[y])',
  label: 'CE',
  help: 'cross-entropy −log p_y',
} satisfies LossDefinition;
