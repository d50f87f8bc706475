// Global average pooling backward: dx[n, c, h, w] = dy[n, c] / (H·W), every element overwritten.

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * p.row;
  if (i >= p.total) { return; }
  dx[i] = dy[i / p.hw] / f32(p.hw);
}
