// Max pooling, NCHW, no padding, floor mode: one invocation per output element. The first
// maximum in row-major scan order wins (strict >), and NaN propagates, as in PyTorch.
struct Params { n: u32, c: u32, h: u32, w: u32, kernel: u32, stride: u32, oh: u32, ow: u32, relu_mask: u32, row: u32, ch: u32, cw: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

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
