// BatchNorm2d backward, pass 2 (training mode), element-wise:
// dx = γ·invstd·(g - dβ/M - x̂·dγ/M), with g = dy masked by the fused ReLU, M = N·H·W and dγ, dβ
// the sums pass 1 wrote. dx is overwritten.

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * p.row;
  if (i >= p.total) { return; }
  let c = (i / p.hw) % p.c;
  let invstd = saved[p.c + c];
  let xhat = (x[i] - saved[c]) * invstd;
  let g = select(dy[i], select(0.0, dy[i], y[i] > 0.0), p.relu != 0u);
  let inv_m = 1.0 / f32(p.m);
  dx[i] = weight[c] * invstd * (g - dbias[c] * inv_m - xhat * dweight[c] * inv_m);
}
