// Evaluation metrics for many classes (CIFAR-100's 100 and more): c*c counters do not fit
// workgroup storage, so each sample adds straight into the global atomics (4 adds per sample).
// Same results as metrics_eval.wgsl; the per-sample math is metrics_row.wgsl (prepended). The
// grid's z is the lockstep run, as there.

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * p.row;
  if (i >= p.n) { return; }
  let run = gid.z;
  let g = run * p.n + i;  // the sample's row in the run-major buffers
  let t = labels[g];
  if (t >= C) { return; }  // an out-of-range target is skipped rather than written out of bounds
  let r = topClass(g);
  let cb = run * C * C;
  let kb = run * BINS * 3u;
  atomicAdd(&confusion[cb + t * C + r.pred], 1u);
  atomicAdd(&calibration[kb + r.bin * 3u], 1u);
  if (r.pred == t) { atomicAdd(&calibration[kb + r.bin * 3u + 1u], 1u); }
  atomicAdd(&calibration[kb + r.bin * 3u + 2u], r.conf);
}
