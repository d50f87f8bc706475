// Direct 2-D convolution, NCHW. One invocation per output pixel (n, oy, ox) computes a block of
// 8 output channels (workgroup z), so each loaded input value feeds 8 FMAs; weight indices are
// the same across invocations, which llvmpipe turns into scalar loads + broadcast.
// Padding: indices are clamped and out-of-image values selected to 0 (branch-free).
struct Params {
  n: u32, cin: u32, h: u32, w: u32,
  cout: u32, kh: u32, kw: u32, stride: u32,
  pad: u32, oh: u32, ow: u32, relu: u32,
  row: u32,  // invocations per grid row: pixel = gid.x + gid.y * row
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> weight: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let ohw = p.oh * p.ow;
  let pix = gid.x + gid.y * p.row;
  if (pix >= p.n * ohw) { return; }
  let n = pix / ohw;
  let r = pix - n * ohw;
  let oy = r / p.ow;
  let ox = r - oy * p.ow;

  let co0 = gid.z * 8u;
  let khw = p.kh * p.kw;
  let kk = p.cin * khw;
  // Channels past cout read the last channel's weights (valid memory) and are not stored.
  let last = vec4u(p.cout - 1u);
  let c0 = min(vec4u(co0) + vec4u(0u, 1u, 2u, 3u), last);
  let c1 = min(vec4u(co0) + vec4u(4u, 5u, 6u, 7u), last);
  let w0 = c0 * kk;
  let w1 = c1 * kk;
  let wide = co0 + 4u < p.cout;  // uniform: second half of the block is needed

  var a0 = vec4f(bias[c0.x], bias[c0.y], bias[c0.z], bias[c0.w]);
  var a1 = vec4f(bias[c1.x], bias[c1.y], bias[c1.z], bias[c1.w]);

  let iy0 = i32(oy * p.stride) - i32(p.pad);
  let ix0 = i32(ox * p.stride) - i32(p.pad);
  let hi = vec2i(i32(p.h) - 1, i32(p.w) - 1);
  var k = 0u;
  for (var ci = 0u; ci < p.cin; ci++) {
    let plane = (n * p.cin + ci) * p.h * p.w;
    for (var ky = 0u; ky < p.kh; ky++) {
      let iy = iy0 + i32(ky);
      let rowOk = iy >= 0 && iy <= hi.x;
      let rowBase = plane + u32(clamp(iy, 0, hi.x)) * p.w;
      for (var kx = 0u; kx < p.kw; kx++) {
        let ix = ix0 + i32(kx);
        let ok = rowOk && ix >= 0 && ix <= hi.y;
        let xv = select(0.0, x[rowBase + u32(clamp(ix, 0, hi.y))], ok);
        a0 += xv * vec4f(weight[w0.x + k], weight[w0.y + k], weight[w0.z + k], weight[w0.w + k]);
        if (wide) {
          a1 += xv * vec4f(weight[w1.x + k], weight[w1.y + k], weight[w1.z + k], weight[w1.w + k]);
        }
        k++;
      }
    }
  }
  if (p.relu != 0u) {
    a0 = max(a0, vec4f(0.0));
    a1 = max(a1, vec4f(0.0));
  }
  // y[n, co, oy, ox]: channel stride ohw.
  let yb = n * p.cout * ohw + r;
  for (var j = 0u; j < 4u; j++) {
    if (co0 + j < p.cout) { y[yb + (co0 + j) * ohw] = a0[j]; }
    if (co0 + 4u + j < p.cout) { y[yb + (co0 + 4u + j) * ohw] = a1[j]; }
  }
}
