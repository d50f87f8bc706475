import type { LossDefinition } from '../definition.ts';

export default {
  name: 'mse',
  expr: 'sum_k(pow(p[k] - t[k], 2))',
  label: 'MSE',
  aliases: ['brier'],
  help: 'Brier score / squared error Σ_k (p_k − onehot_k)²',
  citation: 'Brier. Verification of Forecasts Expressed in Terms of Probability. Monthly Weather Review 1950',
  zoo: true,
} satisfies LossDefinition;
