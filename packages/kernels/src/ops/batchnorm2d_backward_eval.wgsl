// BatchNorm2d backward in eval mode (saliency): the statistics are constants, so
// dx = g·γ/√(running_var + eps), with g = dy masked by the fused ReLU. dx is overwritten.

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * p.row;
  if (i >= p.total) { return; }
  let c = (i / p.hw) % p.c;
  let g = select(dy[i], select(0.0, dy[i], y[i] > 0.0), p.relu != 0u);
  dx[i] = g * weight[c] / sqrt(running_var[c] + p.eps);
}
