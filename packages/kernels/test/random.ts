/** Seeded generators for randomised test cases (mulberry32: small, fast, reproducible). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n values uniform in [lo, hi), rounded to float32 so references see what the GPU sees. */
export function uniform(next: () => number, n: number, lo = -1, hi = 1): number[] {
  return Array.from(Float32Array.from({ length: n }, () => lo + (hi - lo) * next()));
}

export function ints(next: () => number, n: number, hi: number): number[] {
  return Array.from({ length: n }, () => Math.floor(next() * hi));
}

/** A host tensor from any numeric array. */
export const f64 = (shape: number[], data: ArrayLike<number>) => ({ shape, data: Array.from(data) });
