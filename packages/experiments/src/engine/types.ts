/**
 * The contract between the study runner (CLI, results, resume) and the training engine (nn on
 * the device). The runner knows nothing of WebGPU; the engine knows nothing of files.
 */
import type { LrScheduleSpec, StateDict } from '@losslab/nn';

/** One run's hyperparameters (one loss, one seed, one data variant, one architecture). */
export interface RunSpec {
  loss: string; // a loss name ('ce', 'focal:2', 'sce') or a user's definition line ('mypoly=ce + 2*(1-p[y])'); config/loss.ts
  seed: number;
  data: string; // 'clean' (later: 'lt10', 'lt100', 'noise20', 'noise40')
  arch: string; // a name in @losslab/nn's ARCHITECTURES: 'convnet', 'convnet-large', 'resnet20', 'resnet8'
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
  /** StepLR, or MultiStepLR (÷gamma at each milestone epoch), stepped once per epoch. */
  schedule: LrScheduleSpec;
  /** Evaluate every k epochs (and always after the last). */
  evalEvery: number;
  /** Use only the first k (seeded-shuffled) training images; null for all 50,000. */
  trainSubset: number | null;
}

/** Host-side metrics of one epoch, read back once per epoch. */
export interface EpochStats {
  epoch: number; // 1-based
  lr: number; // learning rate used during this epoch
  trainLoss: number; // mean of the run's criterion over the epoch's steps
  trainAcc: number;
  trainSeconds: number;
  /** Present when the epoch was evaluated. */
  eval?: EvalStats;
}

export interface EvalStats {
  testLoss: number; // the run's own criterion, mean over the test set
  testNll: number; // cross-entropy (common scale)
  testAcc: number;
  /** confusion[true][pred] counts. */
  confusion: number[][];
  /** 15 equal-width confidence bins (max softmax probability): count, sum of confidence, correct count. */
  calibration: { count: number; confidenceSum: number; correct: number }[];
  seconds: number;
}

export interface StepProgress {
  step: number; // 1-based within the epoch
  steps: number;
}

/** One training run on the device. Created by an EngineFactory; disposed after the run. */
export interface RunEngine {
  readonly stepsPerEpoch: number;
  /** Trains one epoch (1-based `epoch`), evaluates when `evaluate`, and returns its stats. */
  trainEpoch(epoch: number, evaluate: boolean, onProgress?: (p: StepProgress) => void): Promise<EpochStats>;
  /** Everything needed to continue exactly: parameters, momentum, scheduler, generator state. */
  saveState(): Promise<Uint8Array>;
  loadState(state: Uint8Array): Promise<void>;
  /**
   * Saliency of the current model on test images (by test-set index): d logit[predicted] / d input
   * (the normalised input), with the image itself. Optional: engines without it write no saliency file.
   */
  saliency?(indices: number[]): Promise<SaliencyItem[]>;
  /** Evaluates the current model on the test set without training. */
  evaluate?(): Promise<EvalStats>;
  /** The model's parameters by PyTorch state-dict name (save with nn's stateDictToJson). Optional, like saliency. */
  stateDict?(): Promise<StateDict>;
  /** Replaces the model's parameters (e.g. from nn's stateDictFromJson); names and shapes must match. */
  loadStateDict?(state: StateDict): void;
  dispose(): void;
}

export interface SaliencyItem {
  index: number; // test-set index
  label: number; // true class
  predicted: number; // argmax of the logits
  /** d logit[predicted] / d input, [C, H, W]. */
  grad: Float32Array;
  /** The test image as stored, uint8 CHW (C·H·W bytes). */
  image: Uint8Array;
  /** The image's height and width (default 32 × 32). */
  height?: number;
  width?: number;
}

/**
 * Runs trained in lockstep: one program, every kernel with the run as a dispatch dimension, each
 * member with its own seed, loss, schedule and data variant (compatible: same architecture, data
 * set, batch size, epochs and training-set size — see study/groups.ts). Member k's numbers are
 * bit-identical to training spec k alone. Members are addressed by their index in `specs`.
 */
export interface GroupEngine {
  readonly specs: readonly RunSpec[];
  readonly stepsPerEpoch: number;
  /** Trains one epoch (1-based) of every member, evaluates each when `evaluate`; one EpochStats per member. */
  trainEpoch(epoch: number, evaluate: boolean, onProgress?: (p: StepProgress) => void): Promise<EpochStats[]>;
  evaluate(): Promise<EvalStats[]>;
  saveState(member: number): Promise<Uint8Array>;
  loadState(member: number, state: Uint8Array): Promise<void>;
  saliency?(member: number, indices: number[]): Promise<SaliencyItem[]>;
  stateDict?(member: number): Promise<StateDict>;
  loadStateDict?(member: number, state: StateDict): void;
  dispose(): void;
}

export interface EngineFactory {
  /** Adapter description for study.json. */
  readonly adapter: Record<string, unknown>;
  /** The test set's labels in order (the saliency panel is chosen from them); absent: no saliency. */
  readonly testLabels?: ArrayLike<number>;
  createRun(spec: RunSpec): Promise<RunEngine>;
  /** Lockstep: compatible runs as one program. Absent: the runner trains a group's members one after another (groupOfRuns). */
  createGroup?(specs: RunSpec[]): Promise<GroupEngine>;
  /** How many runs like `spec` fit in one lockstep group on this device (memory and binding limits); absent: 1. */
  maxGroupSize?(spec: RunSpec): number;
  dispose(): void;
}
