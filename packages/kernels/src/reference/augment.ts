/**
 * JS reference of the augmentation kernel (ops/augment_batch.wgsl + random.wgsl): the same
 * hash bit for bit (u32 arithmetic through Math.imul and >>> 0) and the crop/flip/normalise
 * in float64.
 */
export function pcgHash(v: number): number {
  const s = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const w = Math.imul(((s >>> ((s >>> 28) + 4)) ^ s) >>> 0, 277803737) >>> 0;
  return ((w >>> 22) ^ w) >>> 0;
}

export function sampleHash(seed: number, epoch: number, j: number): number {
  return pcgHash((pcgHash((pcgHash(seed >>> 0) ^ epoch) >>> 0) ^ j) >>> 0);
}

export interface AugmentDraw {
  dx: number;
  dy: number;
  flip: boolean;
}

/** Crop offsets (in [0, 2·pad]) and flip of the sample at position j of the epoch's order. */
export function augmentDraw(seed: number, epoch: number, j: number, pad: number, flip: boolean): AugmentDraw {
  const h = sampleHash(seed, epoch, j);
  const span = 2 * pad + 1;
  return {
    dx: ((h >>> 16) * span) >>> 16,
    dy: ((h & 0xffff) * span) >>> 16,
    flip: flip && pcgHash(h) >>> 31 === 1,
  };
}

export interface AugmentRefArgs {
  /** All images, uint8 CHW, C·H·W bytes each. */
  images: ArrayLike<number>;
  labels: ArrayLike<number>;
  /** null: identity (normalizeImages). */
  order: ArrayLike<number> | null;
  orderOffset: number;
  batch: number;
  seed: number;
  epoch: number;
  mean: readonly number[];
  std: readonly number[];
  pad: number;
  flip: boolean;
  /** [C, H, W]; default CIFAR-10's [3, 32, 32]. */
  shape?: readonly [number, number, number];
}

export function augmentRef(a: AugmentRefArgs): { out: Float64Array; labels: Float64Array; draws: AugmentDraw[] } {
  const [C, H, W] = a.shape ?? [3, 32, 32];
  const plane = H * W;
  const size = C * plane;
  const out = new Float64Array(a.batch * size);
  const labels = new Float64Array(a.batch);
  const draws: AugmentDraw[] = [];
  for (let i = 0; i < a.batch; i++) {
    const j = a.orderOffset + i;
    const k = a.order ? a.order[j] : j;
    const d = augmentDraw(a.seed, a.epoch, j, a.pad, a.flip);
    draws.push(d);
    labels[i] = a.labels[k];
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const sx = (d.flip ? W - 1 - x : x) + d.dx - a.pad;
          const sy = y + d.dy - a.pad;
          const byte = sx >= 0 && sx < W && sy >= 0 && sy < H ? a.images[k * size + c * plane + sy * W + sx] : 0;
          out[i * size + c * plane + y * W + x] = (byte / 255 - a.mean[c]) / a.std[c];
        }
      }
    }
  }
  return { out, labels, draws };
}
