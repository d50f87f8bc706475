// The residual sum y = a + S(b), element-wise over y [n, c, h, w], ReLU'd when relu != 0. S is
// the shortcut: identity (stride 1, offset 0, same shape), or the ResNet paper's option A,
// b[:, :, ::stride, ::stride] zero-padded with `offset` channels on each side.
struct Params { total: u32, c: u32, h: u32, w: u32, cb: u32, hb: u32, wb: u32, stride: u32, offset: u32, relu: u32, row: u32 }

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

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
