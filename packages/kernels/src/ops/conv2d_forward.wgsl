// Direct 2-D convolution, NCHW. On CPU drivers every load is a per-lane gather and costs far more
// than an FMA, so each invocation computes 4 neighbouring output pixels (ox .. ox+3) × a block
// of 8 output channels (workgroup z): per tap, 4 input loads + 8 weight loads feed 32 FMAs.
// With cout <= 4 the second half of the registers holds 4 more pixels instead (8 pixels × 4).
// Padding and the ragged row end: indices are clamped and out-of-image values selected to 0.
// Also used for the input gradient at stride 1 (flipped, transposed weights; see conv2d.ts).
// Runs (lockstep training): grid z = run · channel blocks, so the run is uniform per workgroup;
// run r reads samples [r·n, (r+1)·n) and its weights / bias wstride / bstride floats after run 0's.

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let per = p.oh * p.owq;
  let item = gid.x + gid.y * p.row;
  if (item >= p.n * per) { return; }
  let cblocks = (p.cout + 7u) / 8u;
  let run = wid.z / cblocks;
  let ns = item / per;  // the sample within its run
  let r = item - ns * per;
  let n = run * p.n + ns;
  let oy = r / p.owq;
  let px8 = p.px8 != 0u;  // uniform: 8 pixels × 4 channels per invocation
  let ox = (r - oy * p.owq) * select(4u, 8u, px8);

  let co0 = (wid.z - run * cblocks) * 8u;  // workgroup_id, not gid: keeps weight indices provably uniform (scalar loads)
  let kk = p.cin * p.kh * p.kw;
  // Channels past cout read the last channel's weights (valid memory) and are not stored.
  let last = vec4u(p.cout - 1u);
  let c0 = min(vec4u(co0) + vec4u(0u, 1u, 2u, 3u), last);
  let c1 = min(vec4u(co0) + vec4u(4u, 5u, 6u, 7u), last);
  let w0 = c0 * kk + run * p.wstride;
  let w1 = c1 * kk + run * p.wstride;
  let wide = co0 + 4u < p.cout;  // uniform: the second half of the channel block is needed

  let bc0 = c0 + run * p.bstride;
  let bc1 = c1 + run * p.bstride;
  let b0 = vec4f(bias[bc0.x], bias[bc0.y], bias[bc0.z], bias[bc0.w]);
  let b1 = vec4f(bias[bc1.x], bias[bc1.y], bias[bc1.z], bias[bc1.w]);
  // a0/a1: pixel ox, channels co0..+3 / co0+4..+7 (px8: a1 is pixel ox+4, channels co0..+3); etc.
  let bh = select(b1, b0, px8);
  var a0 = b0; var a1 = bh;  // pixel ox     (px8: a1 = ox + 4)
  var a2 = b0; var a3 = bh;  // ox + 1       (px8: a3 = ox + 5)
  var a4 = b0; var a5 = bh;  // ox + 2       (px8: a5 = ox + 6)
  var a6 = b0; var a7 = bh;  // ox + 3       (px8: a7 = ox + 7)

  let s = i32(p.stride);
  let iy0 = i32(oy) * s - i32(p.pad);
  let ix0 = vec4i(i32(ox) * s - i32(p.pad)) + vec4i(0, 1, 2, 3) * s;
  var k = 0u;
  for (var ci = 0u; ci < p.cin; ci++) {
    let plane = (n * p.cin + ci) * p.h * p.w;
    for (var ky = 0u; ky < p.kh; ky++) {
      let iy = iy0 + i32(ky);
      let rowOk = iy >= 0 && iy < i32(p.h);
      let rowBase = plane + u32(clamp(iy, 0, i32(p.h) - 1)) * p.w;
      // At stride 1 the 4 pixels' windows overlap: slide along kx, loading one new value per
      // tap instead of 4 (the first tap loads all 4).
      var xv = vec4f(0.0);  // pixels ox .. ox+3 at this tap
      var xw = vec4f(0.0);  // px8: pixels ox+4 .. ox+7
      for (var kx = 0u; kx < p.kw; kx++) {
        if (s == 1 && kx > 0u) {
          if (px8) {
            xv = vec4f(xv.yzw, xw.x);
            xw = vec4f(xw.yzw, ld(rowBase, rowOk, ix0.w + 4 + i32(kx)));
          } else {
            xv = vec4f(xv.yzw, ld(rowBase, rowOk, ix0.w + i32(kx)));
          }
        } else {
          let ix = ix0 + vec4i(i32(kx));
          xv = vec4f(ld(rowBase, rowOk, ix.x), ld(rowBase, rowOk, ix.y), ld(rowBase, rowOk, ix.z), ld(rowBase, rowOk, ix.w));
          if (px8) {
            let iw = ix + vec4i(4 * s);
            xw = vec4f(ld(rowBase, rowOk, iw.x), ld(rowBase, rowOk, iw.y), ld(rowBase, rowOk, iw.z), ld(rowBase, rowOk, iw.w));
          }
        }
        let wa = vec4f(weight[w0.x + k], weight[w0.y + k], weight[w0.z + k], weight[w0.w + k]);
        a0 += xv.x * wa; a2 += xv.y * wa; a4 += xv.z * wa; a6 += xv.w * wa;
        if (wide) {
          let wb = vec4f(weight[w1.x + k], weight[w1.y + k], weight[w1.z + k], weight[w1.w + k]);
          a1 += xv.x * wb; a3 += xv.y * wb; a5 += xv.z * wb; a7 += xv.w * wb;
        } else if (px8) {
          a1 += xw.x * wa; a3 += xw.y * wa; a5 += xw.z * wa; a7 += xw.w * wa;
        }
        k++;
      }
    }
  }
  if (p.relu != 0u) {
    let z = vec4f(0.0);
    a0 = max(a0, z); a1 = max(a1, z); a2 = max(a2, z); a3 = max(a3, z);
    a4 = max(a4, z); a5 = max(a5, z); a6 = max(a6, z); a7 = max(a7, z);
  }
  let ohw = p.oh * p.ow;
  let yb = n * p.cout * ohw + oy * p.ow + ox;
  if (px8) {
    // Channels co0+4.. do not exist (cout <= 4), so store() writes only the first vec4.
    store(yb, ox, co0, a0, a0);
    store(yb + 1u, ox + 1u, co0, a2, a2);
    store(yb + 2u, ox + 2u, co0, a4, a4);
    store(yb + 3u, ox + 3u, co0, a6, a6);
    store(yb + 4u, ox + 4u, co0, a1, a1);
    store(yb + 5u, ox + 5u, co0, a3, a3);
    store(yb + 6u, ox + 6u, co0, a5, a5);
    store(yb + 7u, ox + 7u, co0, a7, a7);
  } else {
    store(yb, ox, co0, a0, a1);
    store(yb + 1u, ox + 1u, co0, a2, a3);
    store(yb + 2u, ox + 2u, co0, a4, a5);
    store(yb + 3u, ox + 3u, co0, a6, a7);
  }
}

// Writes one pixel's 8-channel block (channel stride oh·ow), skipping pixels past the row end
// and channels past cout.
fn store(base: u32, ox: u32, co0: u32, lo: vec4f, hi: vec4f) {
  if (ox >= p.ow) { return; }
  let ohw = p.oh * p.ow;
  for (var j = 0u; j < 4u; j++) {
    if (co0 + j < p.cout) { y[base + (co0 + j) * ohw] = lo[j]; }
    if (co0 + 4u + j < p.cout) { y[base + (co0 + 4u + j) * ohw] = hi[j]; }
  }
}

// x[rowBase + ix], or 0 outside the image (index clamped so the load stays in bounds).
fn ld(rowBase: u32, rowOk: bool, ix: i32) -> f32 {
  let v = x[rowBase + u32(clamp(ix, 0, i32(p.w) - 1))];
  return select(0.0, v, rowOk && ix >= 0 && ix < i32(p.w));
}
