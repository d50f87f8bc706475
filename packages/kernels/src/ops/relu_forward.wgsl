// y = max(x, 0), element-wise. The smoke kernel; nn fuses ReLU into conv/matmul where it can.
struct Params { n: u32, row: u32 }  // row: invocations per grid row (workgroups.x * 256)

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * params.row;
  if (i >= params.n) { return; }
  y[i] = max(x[i], 0.0);
}
