// The residual sum y = a + S(b), element-wise over y [n, c, h, w], ReLU'd when relu != 0. S is
// the shortcut: identity (stride 1, offset 0, same shape), or the ResNet paper's option A,
// b[:, :, ::stride, ::stride] zero-padded with `offset` channels on each side.

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * p.row;
  if (i >= p.total) { return; }
  let ox = i % p.w;
  let oy = (i / p.w) % p.h;
  let c = (i / (p.w * p.h)) % p.c;
  let n = i / (p.w * p.h * p.c);
  var v = a[i];
  if (c >= p.offset && c - p.offset < p.cb) {
    v += b[((n * p.cb + c - p.offset) * p.hb + oy * p.stride) * p.wb + ox * p.stride];
  }
  y[i] = select(v, max(v, 0.0), p.relu != 0u);
}
