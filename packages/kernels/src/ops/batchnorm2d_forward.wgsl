// BatchNorm2d normalisation, element-wise over NCHW: y = (x - mean)·α + β with α = γ·invstd
// (centring first: x·α + (β - mean·α) loses digits when |mean| ≫ std). Training reads the saved batch statistics
// [mean | invstd]; eval (mode 1) reads the running mean and variance (invstd = 1/√(var + eps)).
// relu != 0 fuses the ReLU that follows the BatchNorm in a residual block.
struct Params { total: u32, c: u32, hw: u32, row: u32, mode: u32, relu: u32, eps: f32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> center: array<f32>; // train: saved [mean | invstd]; eval: running_mean
@group(0) @binding(2) var<storage, read> spread: array<f32>; // eval: running_var (train: unused, bound to saved)
@group(0) @binding(3) var<storage, read> weight: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
@group(0) @binding(6) var<uniform> p: Params;

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
