// BatchNorm2d normalisation, element-wise over NCHW: y = (x - mean)·α + β with α = γ·invstd
// (centring first: x·α + (β - mean·α) loses digits when |mean| ≫ std). Training reads the saved batch statistics
// [mean | invstd]; eval (mode 1) reads the running mean and variance (invstd = 1/√(var + eps)).
// relu != 0 fuses the ReLU that follows the BatchNorm in a residual block.

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * p.row;
  if (i >= p.total) { return; }
  let c = (i / p.hw) % p.c;
  var mean = center[c];
  var invstd = 0.0;
  if (p.mode == 0u) { invstd = center[p.c + c]; } else { invstd = 1.0 / sqrt(spread[c] + p.eps); }
  let alpha = weight[c] * invstd;
  let v = (x[i] - mean) * alpha + bias[c];
  y[i] = select(v, max(v, 0.0), p.relu != 0u);
}
