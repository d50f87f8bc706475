// Fused conv (stride 1) + ReLU + 2×2/2 max pool, NCHW. The full-resolution conv output never
// reaches memory: each invocation computes a 2-row × 4-column block of conv outputs (two pooled
// cells) for 4 output channels (workgroup z) in registers, then writes the 2 pooled values and a
// packed argmax word per cell for the backward pass (conv2d_relu_pool.ts describes the format).
// Input rows are walked once (kh + 1 rows feed both output rows): 4·(kw + 3) loads per channel
// feed 32·kh·kw FMAs; weights are one uniform-buffer vec4 per tap (conv2d_relu_pool_pack.wgsl). The kernel size and input channels are
// pipeline constants, so the loops unroll and the sliding window stays in registers. Runs: each
// run's packed weights follow the previous run's (p.wrun vec4s), its bias p.bstride floats after.
override KH: u32;
override KW: u32;
override CIN: u32;
// Rows start on a 4-float boundary and there is no padding (w % 4 == 0, pad 0): each input row
// segment is two vec4 loads instead of kw + 3 scalar ones.
override ALIGNED: bool;

// Argmax byte of a window whose maximum is not > 0: the ReLU (or the pool) passes no gradient.
const NONE = 255u;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let per = p.ph * p.pwq;
  let item = gid.x + gid.y * p.row;
  if (item >= p.n * per) { return; }
  // Workgroup z = run · cogs + channel group: workgroup_id keeps weight indices uniform (scalar
  // loads). n: the sample in the run-major batch (p.n samples per run).
  let run = wid.z / p.cogs;
  let cog = wid.z - run * p.cogs;
  let n = run * p.n + item / per;
  let r = item % per;
  let py = r / p.pwq;
  let px0 = (r - py * p.pwq) * 2u;

  let co0 = cog * 4u;
  let khw = p.kh * p.kw;
  let kk = p.cin * khw;
  let wg = run * p.wrun + cog * kk;
  let bc = run * p.bstride + min(vec4u(co0) + vec4u(0u, 1u, 2u, 3u), vec4u(p.cout - 1u));
  let b = vec4f(bias[bc.x], bias[bc.y], bias[bc.z], bias[bc.w]);
  // Row 0 / row 1 of the block, columns 0..3; each vec4 holds 4 output channels.
  var a00 = b; var a01 = b; var a02 = b; var a03 = b;
  var a10 = b; var a11 = b; var a12 = b; var a13 = b;

  let iy0 = i32(py * 2u) - i32(p.pad);
  let ix0 = i32(px0 * 2u) - i32(p.pad);
  for (var ci = 0u; ci < CIN; ci++) {
    let plane = (n * p.cin + ci) * p.h * p.w;
    // Input row t feeds output row 0 through kernel row t and output row 1 through row t - 1.
    for (var t = 0u; t <= KH; t++) {
      let iy = iy0 + i32(t);
      let rowOk = iy >= 0 && iy < i32(p.h);
      let rowBase = plane + u32(clamp(iy, 0, i32(p.h) - 1)) * p.w;
      var xv: vec4f;
      var xn = vec4f(0.0);  // ALIGNED: the 4 floats after xv
      if (ALIGNED) {
        let q = (rowBase + u32(ix0)) / 4u;
        xv = x4[q];
        xn = x4[min(q + 1u, arrayLength(&x4) - 1u)];  // past the row end only for pixels not stored
      } else {
        xv = vec4f(ld(rowBase, rowOk, ix0), ld(rowBase, rowOk, ix0 + 1), ld(rowBase, rowOk, ix0 + 2), ld(rowBase, rowOk, ix0 + 3));
      }
      for (var kx = 0u; kx < KW; kx++) {
        // Slide along kx: one new value per tap after the first.
        if (kx > 0u) {
          if (ALIGNED) { xv = vec4f(xv.yzw, xn[kx - 1u]); } else { xv = vec4f(xv.yzw, ld(rowBase, rowOk, ix0 + 3 + i32(kx))); }
        }
        if (t < KH) {
          let k = ci * khw + t * p.kw + kx;
          let w0 = wv[wg + k];
          a00 += xv.x * w0; a01 += xv.y * w0; a02 += xv.z * w0; a03 += xv.w * w0;
        }
        if (t > 0u) {
          let k = ci * khw + (t - 1u) * p.kw + kx;
          let w1 = wv[wg + k];
          a10 += xv.x * w1; a11 += xv.y * w1; a12 += xv.z * w1; a13 += xv.w * w1;
        }
      }
    }
  }
  let z = vec4f(0.0);
  cell(n, co0, py, px0, max(a00, z), max(a01, z), max(a10, z), max(a11, z));
  cell(n, co0, py, px0 + 1u, max(a02, z), max(a03, z), max(a12, z), max(a13, z));
}

// Pools one 2×2 window (row-major v0..v3, 4 channels): the first maximum wins (strict >), as in
// PyTorch. Stores the maximum and the winners' window indices, one byte per channel.
fn cell(n: u32, co0: u32, py: u32, px: u32, v0: vec4f, v1: vec4f, v2: vec4f, v3: vec4f) {
  if (px >= p.pw) { return; }
  var m = v0;
  var at = vec4u(0u);
  var c = v1 > m; m = select(m, v1, c); at = select(at, vec4u(1u), c);
  c = v2 > m; m = select(m, v2, c); at = select(at, vec4u(2u), c);
  c = v3 > m; m = select(m, v3, c); at = select(at, vec4u(3u), c);
  let live = (m > vec4f(0.0)) & (vec4u(co0) + vec4u(0u, 1u, 2u, 3u) < vec4u(p.cout));
  at = select(vec4u(NONE), at, live);
  let phw = p.ph * p.pw;
  let o = py * p.pw + px;
  for (var j = 0u; j < 4u; j++) {
    if (co0 + j < p.cout) { y[(n * p.cout + co0 + j) * phw + o] = m[j]; }
  }
  arg[(n * p.cogs + co0 / 4u) * phw + o] = at.x | (at.y << 8u) | (at.z << 16u) | (at.w << 24u);
}

// x[rowBase + ix], or 0 outside the image (index clamped so the load stays in bounds).
fn ld(rowBase: u32, rowOk: bool, ix: i32) -> f32 {
  let v = x[rowBase + u32(clamp(ix, 0, i32(p.w) - 1))];
  return select(0.0, v, rowOk && ix >= 0 && ix < i32(p.w));
}
