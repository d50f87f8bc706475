import type { LossDefinition } from '../definition.ts';

export default {
  name: 'ls',
  expr: '(1 - eps) * ce + eps / C * sum_k(-log(p[k]))',
  params: { eps: { min: 0, max: 1, maxOpen: true, help: 'smoothing ε' } },
  label: 'LS{eps}',
  help: "cross-entropy with label smoothing ε (PyTorch's label_smoothing)",
  citation: 'Szegedy, Vanhoucke, Ioffe, Shlens, Wojna. Rethinking the Inception Architecture for Computer Vision. CVPR 2016',
} satisfies LossDefinition;
