// out[j] = Σ_i x[i, j]: the bias gradient of a linear layer (dy summed over the batch).
// A workgroup owns 16 columns; its 16 row lanes sum strided rows, then a tree in workgroup
// memory adds the 16 partial sums (pairwise, so long batches lose less precision).
// Lockstep runs: workgroup y is the run; x holds one rows × cols block per run, and run r's sums
// go out_stride floats after run r-1's (the parameter store's stride), never mixing runs.

var<workgroup> part: array<f32, 256>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let col = wg.x * 16u + lid.x;
  let run = wg.y;
  let x0 = run * p.rows * p.cols;
  var s = 0.0;
  if (col < p.cols) {
    for (var r = lid.y; r < p.rows; r += 16u) { s += x[x0 + r * p.cols + col]; }
  }
  part[lid.y * 16u + lid.x] = s;
  workgroupBarrier();
  for (var h = 8u; h > 0u; h >>= 1u) {
    if (lid.y < h) { part[lid.y * 16u + lid.x] += part[(lid.y + h) * 16u + lid.x]; }
    workgroupBarrier();
  }
  if (lid.y == 0u && col < p.cols) { out[run * p.out_stride + col] = part[lid.x]; }
}
