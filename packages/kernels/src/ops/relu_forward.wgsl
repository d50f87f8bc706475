// y = max(x, 0), element-wise. The smoke kernel; nn fuses ReLU into conv/matmul where it can.

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * p.row;
  if (i >= p.n) { return; }
  y[i] = max(x[i], 0.0);
}
