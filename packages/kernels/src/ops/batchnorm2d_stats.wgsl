// BatchNorm2d training statistics: one workgroup per channel reduces its N·H·W values (two
// passes: mean, then the biased variance, as PyTorch normalises with) and writes the saved
// [mean | invstd] the forward and backward read. With update != 0 it also applies PyTorch's
// running-stat update: r = (1 - momentum)·r + momentum·batch, the variance unbiased (M / (M - 1)),
// and channel 0 counts num_batches_tracked.
// Runs in lockstep: workgroup row wid.y is the run; it reduces only its own N samples (x at
// r·N·C·H·W), writes its own saved [mean | invstd] (at r·2C) and its own running state (at
// r·state_stride), so each run's statistics are those of training it alone. The running mean,
// variance and count are one binding (`state`, at mean_at, var_at, batches_at): bound apart, each
// spanning every run, they would overlap, which WebGPU forbids for writable bindings.

const WG = 256u;
var<workgroup> part: array<f32, 256>;

fn reduce(lid: u32, v: f32) -> f32 {
  part[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (lid < s) { part[lid] = part[lid] + part[lid + s]; }
    workgroupBarrier();
  }
  let total = part[0];
  workgroupBarrier();
  return total;
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let c = wid.x;
  let run = wid.y;
  let m = p.n * p.hw;
  let base = run * p.n * p.c * p.hw;
  var s = 0.0;
  for (var i = lid; i < m; i += WG) {
    s += x[base + ((i / p.hw) * p.c + c) * p.hw + i % p.hw];
  }
  let mean = reduce(lid, s) / f32(m);
  var q = 0.0;
  for (var i = lid; i < m; i += WG) {
    let d = x[base + ((i / p.hw) * p.c + c) * p.hw + i % p.hw] - mean;
    q += d * d;
  }
  let sq = reduce(lid, q);
  if (lid == 0u) {
    let var_biased = sq / f32(m);
    saved[run * 2u * p.c + c] = mean;
    saved[run * 2u * p.c + p.c + c] = 1.0 / sqrt(var_biased + p.eps);
    if (p.update != 0u) {
      let unbiased = sq / f32(max(m, 2u) - 1u);
      let r = run * p.state_stride;
      state[r + p.mean_at + c] = (1.0 - p.momentum) * state[r + p.mean_at + c] + p.momentum * mean;
      state[r + p.var_at + c] = (1.0 - p.momentum) * state[r + p.var_at + c] + p.momentum * unbiased;
      if (c == 0u) { state[r + p.batches_at] = state[r + p.batches_at] + 1.0; }
    }
  }
}
