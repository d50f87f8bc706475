// BatchNorm2d normalisation, element-wise over NCHW: y = (x - mean)·α + β with α = γ·invstd
// (centring first: x·α + (β - mean·α) loses digits when |mean| ≫ std). Training reads the saved batch statistics
// [mean | invstd]; eval (mode 1) reads the running mean and variance (invstd = 1/√(var + eps)).
// relu != 0 fuses the ReLU that follows the BatchNorm in a residual block.
// Runs in lockstep: gid.z is the run; its x, y are `total` floats after the previous run's, its
// statistics `center_stride` floats (saved: 2·C; running: the state stride), γ, β `param_stride`.

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x + gid.y * p.row;
  if (j >= p.total) { return; }
  let i = gid.z * p.total + j;
  let c = (j / p.hw) % p.c;
  let s = gid.z * p.center_stride + c;
  let w = gid.z * p.param_stride + c;
  var mean = center[s];
  var invstd = 0.0;
  if (p.mode == 0u) { invstd = center[s + p.c]; } else { invstd = 1.0 / sqrt(spread[s] + p.eps); }
  let alpha = weight[w] * invstd;
  let v = (x[i] - mean) * alpha + bias[w];
  y[i] = select(v, max(v, 0.0), p.relu != 0u);
}
