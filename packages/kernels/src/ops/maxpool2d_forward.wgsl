// Max pooling, NCHW, no padding, floor mode: one invocation per output element. The first
// maximum in row-major scan order wins (strict >), and NaN propagates, as in PyTorch.

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let ohw = p.oh * p.ow;
  let i = gid.x + gid.y * p.row;
  if (i >= p.n * p.c * ohw) { return; }
  let nc = i / ohw;
  let r = i - nc * ohw;
  let oy = r / p.ow;
  let ox = r - oy * p.ow;
  let base = (nc * p.h + oy * p.stride) * p.w + ox * p.stride;
  var m = x[base];
  for (var ky = 0u; ky < p.kernel; ky++) {
    for (var kx = 0u; kx < p.kernel; kx++) {
      let v = x[base + ky * p.w + kx];
      if (v > m || v != v) { m = v; }
    }
  }
  y[i] = m;
}
