// Global average pooling backward: dx[n, c, h, w] = dy[n, c] / (H·W), every element overwritten.
struct Params { total: u32, hw: u32, row: u32 }

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read_write> dx: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * p.row;
  if (i >= p.total) { return; }
  dx[i] = dy[i / p.hw] / f32(p.hw);
}
