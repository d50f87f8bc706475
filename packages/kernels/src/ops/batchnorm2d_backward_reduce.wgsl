// BatchNorm2d backward, pass 1: one workgroup per channel sums g and g·x̂ over N·H·W, where g is
// dy masked by the fused ReLU (y > 0) when there is one and x̂ = (x - mean)·invstd. These sums are
// the parameter gradients: dγ = Σ g·x̂ and dβ = Σ g (overwritten). Pass 2 reads them back.
// Runs in lockstep: workgroup row wid.y is the run; it sums only its own N samples (at r·N·C·H·W)
// with its own saved statistics (at r·2C) into its own dγ, dβ (at r·param_stride). dγ and dβ are
// one binding (`grads`, at dweight_at, dbias_at): bound apart, each spanning every run, they would
// overlap, which WebGPU forbids for writable bindings.

const WG = 256u;
var<workgroup> part_g: array<f32, 256>;
var<workgroup> part_gx: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let c = wid.x;
  let run = wid.y;
  let m = p.n * p.hw;
  let base = run * p.n * p.c * p.hw;
  let mean = saved[run * 2u * p.c + c];
  let invstd = saved[run * 2u * p.c + p.c + c];
  var sg = 0.0;
  var sgx = 0.0;
  for (var i = lid; i < m; i += WG) {
    let k = base + ((i / p.hw) * p.c + c) * p.hw + i % p.hw;
    let g = select(dy[k], select(0.0, dy[k], y[k] > 0.0), p.relu != 0u);
    sg += g;
    sgx += g * (x[k] - mean);
  }
  part_g[lid] = sg;
  part_gx[lid] = sgx;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (lid < s) {
      part_g[lid] = part_g[lid] + part_g[lid + s];
      part_gx[lid] = part_gx[lid] + part_gx[lid + s];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    grads[run * p.param_stride + p.dbias_at + c] = part_g[0];
    grads[run * p.param_stride + p.dweight_at + c] = part_gx[0] * invstd;
  }
}
