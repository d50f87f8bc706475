// Counter-based randomness shared by kernels (prepended in TS; WGSL has no imports).
// pcg_hash: one round of a PCG-style permuted congruential step (multiply-add, then a
// data-dependent xorshift and a multiply): a stateless u32 -> u32 mix, so every invocation
// derives its random numbers from counters alone and a run is reproducible from its seed.
fn pcg_hash(v: u32) -> u32 {
  let s = v * 747796405u + 2891336453u;
  let w = ((s >> ((s >> 28u) + 4u)) ^ s) * 277803737u;
  return (w >> 22u) ^ w;
}

// The random word of sample j (its position in the epoch's order) in epoch `epoch` of the run
// seeded by `seed`. Chained rather than summed so (seed, epoch, j) triples never alias.
fn sample_hash(seed: u32, epoch: u32, j: u32) -> u32 {
  return pcg_hash(pcg_hash(pcg_hash(seed) ^ epoch) ^ j);
}
