import type { LossDefinition } from '../definition.ts';

export default {
  name: 'focal',
  expr: 'pow(1 - p[y], gamma) * ce',
  params: { gamma: { min: 0, help: 'focusing parameter γ' } },
  label: 'Focal{gamma}',
  help: 'focal loss (1 − p_y)^γ · CE',
  citation: 'Lin, Goyal, Girshick, He, Dollár. Focal Loss for Dense Object Detection. ICCV 2017',
} satisfies LossDefinition;
