// Evaluation metrics accumulated on the device: confusion matrix and calibration bins, summed
// with atomics across dispatches so the host reads once per epoch (a readback per batch would
// stall the queue). One invocation per sample; each workgroup first accumulates into
// workgroup-private counters and flushes only the nonzero ones, so the global atomics see
// ~(c*c + 3*bins) adds per 256 samples instead of 4 per sample. The per-sample math is
// metrics_row.wgsl (prepended); metrics_eval_global.wgsl serves class counts whose c*c counters
// exceed workgroup storage. The grid's z is the lockstep run: run r's samples are rows r·n … and
// its counters start at r·C·C (confusion) and r·BINS·3 (calibration).

var<workgroup> wconf: array<atomic<u32>, C * C>;
var<workgroup> wcal: array<atomic<u32>, BINS * 3u>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_index) lid: u32) {
  // wconf/wcal need no clearing: WebGPU zero-initialises workgroup memory for every workgroup.
  let run = gid.z;
  let i = gid.x + gid.y * p.row;
  if (i < p.n) {
    let g = run * p.n + i;  // the sample's row in the run-major buffers
    let t = labels[g];
    let r = topClass(g);
    if (t < C) {  // an out-of-range target is skipped rather than written out of bounds
      atomicAdd(&wconf[t * C + r.pred], 1u);
      atomicAdd(&wcal[r.bin * 3u], 1u);
      if (r.pred == t) { atomicAdd(&wcal[r.bin * 3u + 1u], 1u); }
      atomicAdd(&wcal[r.bin * 3u + 2u], r.conf);
    }
  }
  workgroupBarrier();
  for (var k = lid; k < C * C; k += 256u) {
    let v = atomicLoad(&wconf[k]);
    if (v != 0u) { atomicAdd(&confusion[run * C * C + k], v); }
  }
  for (var k = lid; k < BINS * 3u; k += 256u) {
    let v = atomicLoad(&wcal[k]);
    if (v != 0u) { atomicAdd(&calibration[run * BINS * 3u + k], v); }
  }
}
