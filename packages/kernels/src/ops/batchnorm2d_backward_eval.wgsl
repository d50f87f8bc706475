// BatchNorm2d backward in eval mode (saliency): the statistics are constants, so
// dx = g·γ/√(running_var + eps), with g = dy masked by the fused ReLU. dx is overwritten.
// Runs in lockstep: gid.z is the run (y, dy, dx at r·total, running_var at r·state_stride, γ at
// r·param_stride).

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x + gid.y * p.row;
  if (j >= p.total) { return; }
  let i = gid.z * p.total + j;
  let c = (j / p.hw) % p.c;
  let g = select(dy[i], select(0.0, dy[i], y[i] > 0.0), p.relu != 0u);
  dx[i] = g * weight[gid.z * p.param_stride + c] / sqrt(running_var[gid.z * p.state_stride + c] + p.eps);
}
