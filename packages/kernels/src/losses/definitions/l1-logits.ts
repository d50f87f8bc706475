import type { LossDefinition } from '../definition.ts';

export default {
  name: 'l1-logits',
  expr: 'sum_k(abs(z[k] - t[k])) / C',
  label: 'L1logits',
  aliases: ['l1logits'],
  help: 'mean over the classes of |z − onehot(y)| (on the logits, no softmax)',
} satisfies LossDefinition;
