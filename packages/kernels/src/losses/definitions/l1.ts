import type { LossDefinition } from '../definition.ts';

export default {
  name: 'l1',
  expr: 'sum_k(abs(p[k] - t[k])) / C',
  label: 'L1',
  help: 'mean over the classes of |softmax(z) − onehot(y)|',
} satisfies LossDefinition;
