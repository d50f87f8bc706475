// Evaluation metrics for many classes (CIFAR-100's 100 and more): c*c counters do not fit
// workgroup storage, so each sample adds straight into the global atomics (4 adds per sample).
// Same results as metrics_eval.wgsl; the per-sample math is metrics_row.wgsl (prepended).

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * p.row;
  if (i >= p.n) { return; }
  let t = labels[i];
  if (t >= C) { return; }  // an out-of-range target is skipped rather than written out of bounds
  let r = topClass(i);
  atomicAdd(&confusion[t * C + r.pred], 1u);
  atomicAdd(&calibration[r.bin * 3u], 1u);
  if (r.pred == t) { atomicAdd(&calibration[r.bin * 3u + 1u], 1u); }
  atomicAdd(&calibration[r.bin * 3u + 2u], r.conf);
}
