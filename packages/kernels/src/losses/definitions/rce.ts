import type { LossDefinition } from '../definition.ts';

// log 0 is clamped to A = −4 as in the paper (the authors' code clamps the one-hot to 1e-4 instead).
export default {
  name: 'rce',
  expr: 'sum_k(-p[k] * max(log(t[k]), -4))',
  label: 'RCE',
  help: 'reverse cross-entropy −Σ_k p_k·log onehot_k, log 0 := −4',
  citation: 'Wang, Ma, Chen, Luo, Yi, Bailey. Symmetric Cross Entropy for Robust Learning with Noisy Labels. ICCV 2019',
  zoo: true,
} satisfies LossDefinition;
