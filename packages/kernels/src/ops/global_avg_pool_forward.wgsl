// Global average pooling: y[n, c] = mean of x[n, c, :, :] (one invocation per (n, c)).
struct Params { nc: u32, hw: u32, row: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * p.row;
  if (i >= p.nc) { return; }
  var s = 0.0;
  for (var k = 0u; k < p.hw; k++) { s += x[i * p.hw + k]; }
  y[i] = s / f32(p.hw);
}
