/**
 * The convolution planner: the one place that decides how a convolution runs. Given the shape,
 * the fusion asked for (ReLU, a following max pool, bias or not) and the adapter's limits, it
 * picks the kernel variant and its tile sizes for the forward, the input gradient and the weight
 * gradient. The ops (conv2d.ts, conv2d_relu_pool.ts) follow the plan; nn's fusion pass asks it
 * whether conv → ReLU → pool fuses; the bench prints it. Plans are cached per adapter (its limits).
 */
import { ceilDiv } from '../core.ts';

export interface Conv2dShape {
  n: number; cin: number; h: number; w: number; cout: number; kh: number; kw: number; stride: number; pad: number;
}

/** PyTorch's output size: floor((in + 2·pad - k) / stride) + 1. */
export function conv2dOutputSize(s: Conv2dShape): { oh: number; ow: number } {
  return { oh: Math.floor((s.h + 2 * s.pad - s.kh) / s.stride) + 1, ow: Math.floor((s.w + 2 * s.pad - s.kw) / s.stride) + 1 };
}

/** What follows the convolution and is folded into it. */
export interface ConvFusion {
  relu: boolean;
  bias: boolean;
  /** A max pool after the ReLU (fused only as 2×2 stride 2). */
  pool?: { kernel: number; stride: number };
}

/** The adapter limits the planner reads (GPUSupportedLimits has them). */
export interface ConvLimits { maxUniformBufferBindingSize: number }
/** WebGPU's guaranteed minimum: what a plan made without an adapter assumes. */
export const DEFAULT_CONV_LIMITS: ConvLimits = { maxUniformBufferBindingSize: 65536 };

/** vec4s in the fused kernels' uniform weight arrays (conv2d_relu_pool_pack.ts). */
export const PACKED_VEC4S = 1024;

export type ForwardPlan =
  /** conv2d_forward.wgsl: 4 pixels × 8 channels per invocation, or 8 pixels × 4 channels (px8, cout ≤ 4). */
  | { kernel: 'direct'; px8: boolean }
  /** conv2d_forward_3x3.wgsl: 3×3 stride 1 pad 1, `px` pixels × 4 channels per invocation. */
  | { kernel: '3x3'; px: number }
  /** conv2d_relu_pool_forward.wgsl (fused ReLU + 2×2/2 pool); aligned: rows read as vec4s. */
  | { kernel: 'relu_pool'; aligned: boolean };

/** Input-gradient variants of a plain convolution (also what the fused op falls back to after unpooling). */
export type ConvInputGradPlan =
  /** Stride 1: weights flipped + transposed (conv2d_weight_layout.wgsl), then conv2d_forward_3x3.wgsl over dy. */
  | { kernel: '3x3_transposed'; px: number }
  /** Stride 1, square kernel, pad < k: flipped weights, then conv2d_forward.wgsl over dy. */
  | { kernel: 'flipped_direct'; px8: boolean }
  /** conv2d_backward_input.wgsl: a gather over the taps whose stride divides. */
  | { kernel: 'gather' };

export type InputGradPlan =
  | ConvInputGradPlan
  /** conv2d_relu_pool_backward_input.wgsl: straight from the pooled gradient and argmax words. */
  | { kernel: 'relu_pool_gather' }
  /** conv2d_relu_pool_unpool.wgsl to full resolution, then a plain convolution's input gradient. */
  | { kernel: 'unpool'; then: ConvInputGradPlan };

export type WeightGradPlan =
  /** conv2d_backward_weight_3x3.wgsl: `rows` output rows per chunk. */
  | { kernel: '3x3'; rows: number; chunks: number }
  /** conv2d_backward_weight.wgsl: `chunk` positions per partial, 4-channel × 8-column tiles. */
  | { kernel: 'direct'; chunk: number; chunks: number; ktiles: number; tiles: number }
  /** conv2d_relu_pool_backward_weight.wgsl: `chunk` pooled rows per partial. */
  | { kernel: 'relu_pool'; chunk: number; chunks: number };

export interface ConvPlan {
  /** Conv → ReLU → max pool run as one op (conv2d_relu_pool.ts); else the conv (ReLU fused) and a separate pool. */
  fused: boolean;
  forward: ForwardPlan;
  inputGrad: InputGradPlan;
  weightGrad: WeightGradPlan;
}

/** Every variant name the planner can pick, per pass (tests check each is covered). */
export const CONV_VARIANTS = {
  forward: ['direct', 'direct_px8', '3x3', 'relu_pool', 'relu_pool_aligned'],
  inputGrad: ['3x3_transposed', 'flipped_direct', 'flipped_direct_px8', 'gather', 'relu_pool_gather', 'unpool'],
  weightGrad: ['3x3', 'direct', 'relu_pool'],
} as const;

/** The variant names of a plan, as CONV_VARIANTS lists them. */
export function convVariants(p: ConvPlan): { forward: string; inputGrad: string[]; weightGrad: string } {
  const f = p.forward;
  const forward = f.kernel === 'direct' ? (f.px8 ? 'direct_px8' : 'direct') : f.kernel === 'relu_pool' ? (f.aligned ? 'relu_pool_aligned' : 'relu_pool') : f.kernel;
  const name = (g: InputGradPlan): string[] =>
    g.kernel === 'unpool' ? ['unpool', ...name(g.then)] : g.kernel === 'flipped_direct' && g.px8 ? ['flipped_direct_px8'] : [g.kernel];
  return { forward, inputGrad: name(p.inputGrad), weightGrad: p.weightGrad.kernel };
}

/** One line for the bench: the variants and their tile sizes. */
export function describeConvPlan(p: ConvPlan): string {
  const f = p.forward;
  const fwd = f.kernel === 'direct' ? `direct ${f.px8 ? '8px×4ch' : '4px×8ch'}` : f.kernel === '3x3' ? `3x3 ${f.px}px×4ch` : `relu+pool${f.aligned ? ' vec4' : ''}`;
  const dx = (g: InputGradPlan): string => {
    switch (g.kernel) {
      case '3x3_transposed': return `3x3ᵀ ${g.px}px`;
      case 'flipped_direct': return `flipped direct ${g.px8 ? '8px×4ch' : '4px×8ch'}`;
      case 'unpool': return `unpool + ${dx(g.then)}`;
      default: return g.kernel.replace(/_/g, ' ');
    }
  };
  const w = p.weightGrad;
  const dw = w.kernel === '3x3' ? `3x3 ${w.rows} rows × ${w.chunks}` : w.kernel === 'direct' ? `direct ${w.chunk} px × ${w.chunks}, ${w.tiles} tiles` : `relu+pool ${w.chunk} rows × ${w.chunks}`;
  return `fwd ${fwd} · dx ${dx(p.inputGrad)} · dw ${dw}`;
}

const cache = new Map<string, ConvPlan>();

/**
 * The plan for a convolution of shape `s` with `fusion` on an adapter with `limits`. Throws on an
 * invalid shape. Cached: the same question on the same adapter returns the same object.
 */
export function planConv(s: Conv2dShape, fusion: ConvFusion, limits: ConvLimits = DEFAULT_CONV_LIMITS): ConvPlan {
  const packed = Math.min(PACKED_VEC4S, Math.floor(limits.maxUniformBufferBindingSize / 16));
  const key = `${packed}|${s.n},${s.cin},${s.h},${s.w},${s.cout},${s.kh},${s.kw},${s.stride},${s.pad}|${fusion.relu ? 1 : 0}${fusion.bias ? 1 : 0}|${fusion.pool ? `${fusion.pool.kernel},${fusion.pool.stride}` : ''}`;
  let p = cache.get(key);
  if (!p) {
    p = decide(s, fusion, packed);
    cache.set(key, p);
  }
  return p;
}

function checkShape(s: Conv2dShape): { oh: number; ow: number } {
  const o = conv2dOutputSize(s);
  const dims = [s.n, s.cin, s.h, s.w, s.cout, s.kh, s.kw, s.stride];
  if (dims.some((d) => !Number.isInteger(d) || d < 1) || !Number.isInteger(s.pad) || s.pad < 0 || o.oh < 1 || o.ow < 1) {
    throw new Error(`conv2d: invalid shape ${JSON.stringify(s)}`);
  }
  return o;
}

/**
 * Pixels per invocation of conv2d_forward_3x3.wgsl, or 0 where it does not apply: 3×3, stride 1,
 * padding 1 (ResNet's convolutions), width and output channels multiples of 4.
 */
function forward3x3Pixels(s: Conv2dShape): number {
  if (s.kh !== 3 || s.kw !== 3 || s.stride !== 1 || s.pad !== 1 || s.cout % 4 !== 0) return 0;
  return [16, 8, 4].find((px) => s.w % px === 0) ?? 0;
}

/** The input gradient as a convolution of dy: [n, cout, oh, ow] → [n, cin, h, w], stride 1. */
export function transposedShape(s: Conv2dShape): Conv2dShape {
  const { oh, ow } = conv2dOutputSize(s);
  return { n: s.n, cin: s.cout, h: oh, w: ow, cout: s.cin, kh: s.kh, kw: s.kw, stride: 1, pad: s.kh - 1 - s.pad };
}

function decide(s: Conv2dShape, fusion: ConvFusion, packed: number): ConvPlan {
  const { oh, ow } = checkShape(s);
  const pool = fusion.pool;
  // Fused conv + ReLU + 2×2/2 pool: stride 1, kernels up to 3×3, the weights fit the uniform array.
  const fused = fusion.relu && fusion.bias && pool !== undefined && pool.kernel === 2 && pool.stride === 2 &&
    s.stride === 1 && s.kh <= 3 && s.kw <= 3 && oh >= 2 && ow >= 2 && ceilDiv(s.cout, 4) * s.cin * s.kh * s.kw <= packed;
  if (fused) {
    // About 256 chunks of whole pooled rows: enough invocations for every core, few partials for pass 2.
    const rows = s.n * Math.floor(oh / 2);
    const chunk = ceilDiv(rows, 256);
    return {
      fused,
      forward: { kernel: 'relu_pool', aligned: s.pad === 0 && s.w % 4 === 0 },
      // The fused gather packs the weights over input channels: they must fit too.
      inputGrad: ceilDiv(s.cin, 4) * s.cout * s.kh * s.kw <= packed ? { kernel: 'relu_pool_gather' } : { kernel: 'unpool', then: convInputGrad(s) },
      weightGrad: { kernel: 'relu_pool', chunk, chunks: ceilDiv(rows, chunk) },
    };
  }
  const px = forward3x3Pixels(s);
  return {
    fused,
    forward: px ? { kernel: '3x3', px } : { kernel: 'direct', px8: s.cout <= 4 },
    inputGrad: convInputGrad(s),
    weightGrad: weightGrad(s, px > 0, oh, ow),
  };
}

function convInputGrad(s: Conv2dShape): ConvInputGradPlan {
  if (s.stride !== 1) return { kernel: 'gather' };
  const t = transposedShape(s);
  const px = forward3x3Pixels(t);
  if (px) return { kernel: '3x3_transposed', px };
  if (s.kh === s.kw && s.pad < s.kh) return { kernel: 'flipped_direct', px8: t.cout <= 4 };
  return { kernel: 'gather' };
}

function weightGrad(s: Conv2dShape, is3x3: boolean, oh: number, ow: number): WeightGradPlan {
  if (is3x3) {
    // About 4096 invocations of cin · cout/4 each: enough parallel work, few partials for pass 2.
    const rowCount = s.n * oh;
    const rows = ceilDiv(rowCount, Math.min(rowCount, ceilDiv(4096, (s.cin * s.cout) / 4)));
    return { kernel: '3x3', rows, chunks: ceilDiv(rowCount, rows) };
  }
  const positions = s.n * oh * ow;
  // About 256 chunks: enough parallel work for every core, few enough partials for pass 2.
  const chunk = Math.max(32, ceilDiv(positions, 256));
  const ktiles = ceilDiv(s.cin * s.kh * s.kw + 1, 8);
  return { kernel: 'direct', chunk, chunks: ceilDiv(positions, chunk), ktiles, tiles: ktiles * ceilDiv(s.cout, 4) };
}
