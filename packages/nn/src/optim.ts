/** SGD with momentum, StepLR and MultiStepLR, PyTorch semantics. The update itself is one kernel dispatch. */
export interface SgdOptions {
  lr: number;
  momentum?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

export class StepLR {
  /** Number of scheduler steps taken (epochs, in training). */
  lastEpoch = 0;
  constructor(readonly baseLr: number, readonly stepSize: number, readonly gamma: number) {
    if (!(stepSize > 0)) throw new Error(`StepLR step size must be positive, got ${stepSize}`);
  }
  /** PyTorch's closed form: lr = base · gamma^floor(epoch / step_size). */
  lrAt(epoch: number): number {
    return this.baseLr * Math.pow(this.gamma, Math.floor(epoch / this.stepSize));
  }
  get lr(): number {
    return this.lrAt(this.lastEpoch);
  }
  step(): number {
    this.lastEpoch += 1;
    return this.lr;
  }
}

/** PyTorch's MultiStepLR: lr = base · gamma^(number of milestones ≤ epoch), e.g. ÷10 at epochs 82 and 123. */
export class MultiStepLR {
  lastEpoch = 0;
  readonly milestones: number[];
  constructor(readonly baseLr: number, milestones: number[], readonly gamma: number) {
    if (!milestones.length || milestones.some((m) => !Number.isInteger(m) || m <= 0)) throw new Error(`MultiStepLR milestones must be positive integers, got [${milestones}]`);
    this.milestones = [...milestones].sort((a, b) => a - b);
  }
  lrAt(epoch: number): number {
    return this.baseLr * Math.pow(this.gamma, this.milestones.filter((m) => m <= epoch).length);
  }
  get lr(): number {
    return this.lrAt(this.lastEpoch);
  }
  step(): number {
    this.lastEpoch += 1;
    return this.lr;
  }
}

/** A learning-rate schedule stepped once per epoch, as configured in a study. */
export type LrScheduleSpec = { type: 'step'; stepSize: number; gamma: number } | { type: 'multistep'; milestones: number[]; gamma: number };

export function lrSchedule(baseLr: number, s: LrScheduleSpec): StepLR | MultiStepLR {
  return s.type === 'multistep' ? new MultiStepLR(baseLr, s.milestones, s.gamma) : new StepLR(baseLr, s.stepSize, s.gamma);
}

export function validateSgd(o: SgdOptions): Required<SgdOptions> {
  const r = { lr: o.lr, momentum: o.momentum ?? 0, weightDecay: o.weightDecay ?? 0, nesterov: o.nesterov ?? false };
  if (!(r.lr > 0)) throw new Error(`learning rate must be positive, got ${r.lr}`);
  if (r.momentum < 0) throw new Error(`momentum must be ≥ 0, got ${r.momentum}`);
  if (r.weightDecay < 0) throw new Error(`weight decay must be ≥ 0, got ${r.weightDecay}`);
  if (r.nesterov && r.momentum <= 0) throw new Error('Nesterov momentum requires momentum > 0');
  return r;
}
