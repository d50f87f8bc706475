// BatchNorm2d backward in eval mode (saliency): the statistics are constants, so
// dx = g·γ/√(running_var + eps), with g = dy masked by the fused ReLU. dx is overwritten.
struct Params { total: u32, c: u32, hw: u32, row: u32, relu: u32, eps: f32 }

@group(0) @binding(0) var<storage, read> y: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> running_var: array<f32>;
@group(0) @binding(3) var<storage, read> weight: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * p.row;
  if (i >= p.total) { return; }
  let c = (i / p.hw) % p.c;
  let g = select(dy[i], select(0.0, dy[i], y[i] > 0.0), p.relu != 0u);
  dx[i] = g * weight[c] / sqrt(running_var[c] + p.eps);
}
