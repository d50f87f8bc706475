import type { LossDefinition } from '../definition.ts';

// A combination a user would write: the focal term on every class, weighted by the smoothed target.
export default {
  name: 'focal_ls',
  expr: 'sum_k(-((1 - eps) * t[k] + eps / C) * pow(1 - p[k], gamma) * log(p[k]))',
  params: { gamma: { default: 2, min: 0 }, eps: { default: 0.1, min: 0, max: 1, maxOpen: true } },
  label: 'FocalLS',
  help: 'focal loss with label-smoothed targets Σ_k −t̃_k (1 − p_k)^γ log p_k, t̃ = (1 − ε)·onehot + ε/C',
  citation: 'Lin et al. ICCV 2017 (focal) with Szegedy et al. CVPR 2016 (label smoothing)',
  zoo: true,
} satisfies LossDefinition;
