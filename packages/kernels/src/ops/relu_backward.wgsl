// dx = dy where the forward output was positive, else 0 (PyTorch's threshold_backward on the result).
struct Params { n: u32, row: u32 }

@group(0) @binding(0) var<storage, read> y: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * params.row;
  if (i >= params.n) { return; }
  dx[i] = select(0.0, dy[i], y[i] > 0.0);
}
