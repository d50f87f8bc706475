// Global average pooling: y[n, c] = mean of x[n, c, :, :] (one invocation per (n, c)).

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * p.row;
  if (i >= p.nc) { return; }
  var s = 0.0;
  for (var k = 0u; k < p.hw; k++) { s += x[i * p.hw + k]; }
  y[i] = s / f32(p.hw);
}
