// BatchNorm2d backward, pass 2 (training mode), element-wise:
// dx = γ·invstd·(g - dβ/M - x̂·dγ/M), with g = dy masked by the fused ReLU, M = N·H·W and dγ, dβ
// the sums pass 1 wrote. dx is overwritten.
// Runs in lockstep: gid.z is the run (x, y, dy, dx at r·total, saved at r·2C, γ and the sums at
// r·param_stride).

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x + gid.y * p.row;
  if (j >= p.total) { return; }
  let i = gid.z * p.total + j;
  let c = (j / p.hw) % p.c;
  let s = gid.z * 2u * p.c + c;
  let w = gid.z * p.param_stride + c;
  let invstd = saved[s + p.c];
  let xhat = (x[i] - saved[s]) * invstd;
  let g = select(dy[i], select(0.0, dy[i], y[i] > 0.0), p.relu != 0u);
  let inv_m = 1.0 / f32(p.m);
  dx[i] = weight[w] * invstd * (g - dbias[w] * inv_m - xhat * dweight[w] * inv_m);
}
