// dx = dy where the forward output was positive, else 0 (PyTorch's threshold_backward on the result).

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * p.row;
  if (i >= p.n) { return; }
  dx[i] = select(0.0, dy[i], y[i] > 0.0);
}
