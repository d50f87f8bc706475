// dx [n, cin, h, w] of the fused conv + ReLU + 2×2/2 max pool, straight from the pooled gradient
// and the argmax words: the conv-output gradient is the pooled gradient at the argmax position
// (byte 255: none) and 0 elsewhere, rebuilt in registers, never in memory. A gather, no atomics:
// each invocation owns a 2-row × 4-column block of input pixels for 4 input channels (workgroup
// z), so every dx element is written once. Blocks are placed so the conv-output rows/columns
// that reach them start on an even index: the block reads whole pooled cells, ceil((KH + 1) / 2)
// × ceil((KW + 3) / 2) of them per channel (one gy load each, one argmax word per 4 channels),
// instead of a load per conv-output position. Weights come from a uniform buffer (see
// conv2d_relu_pool_pack.wgsl), one vec4 over 4 input channels per (output channel, tap); run r's
// p.wrun vec4s after run r - 1's.
override KH: u32;
override KW: u32;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let per = p.by * p.bx;
  let item = gid.x + gid.y * p.row;
  if (item >= p.n * per) { return; }
  // Workgroup z = run · cigs + input channel group (uniform weight indices); n: the sample in the
  // run-major batch (p.n per run).
  let run = wid.z / p.cigs;
  let cig = wid.z - run * p.cigs;
  let n = run * p.n + item / per;
  let r = item % per;
  let b = r / p.bx;
  let iy0 = i32(b * 2u) - i32(p.offy);
  let ix0 = i32((r - b * p.bx) * 4u) - i32(p.offx);
  // Input (iy, ix) gets tap (ky, kx) from conv output (iy + pad - ky, ix + pad - kx): the block
  // needs rows oy0 .. oy0 + KH and columns ox0 .. ox0 + KW + 2, with oy0, ox0 even.
  let py0 = (iy0 + i32(p.pad) - i32(KH) + 1) / 2;
  let px0 = (ix0 + i32(p.pad) - i32(KW) + 1) / 2;
  let phw = p.ph * p.pw;

  // Pooled cells of the block (at most 2 × 3): offset in a plane, and whether the cell exists.
  var off: array<array<u32, 3>, 2>;
  var live: array<array<bool, 3>, 2>;
  for (var pr = 0u; pr < (KH + 2u) / 2u; pr++) {
    for (var pc = 0u; pc < (KW + 4u) / 2u; pc++) {
      let qy = py0 + i32(pr);
      let qx = px0 + i32(pc);
      live[pr][pc] = qy >= 0 && qy < i32(p.ph) && qx >= 0 && qx < i32(p.pw);
      off[pr][pc] = u32(clamp(qy, 0, i32(p.ph) - 1)) * p.pw + u32(clamp(qx, 0, i32(p.pw) - 1));
    }
  }

  var acc: array<array<vec4f, 4>, 2>;
  for (var cog = 0u; cog < p.cogs; cog++) {
    var words: array<array<u32, 3>, 2>;
    let ab = (n * p.cogs + cog) * phw;
    for (var pr = 0u; pr < (KH + 2u) / 2u; pr++) {
      for (var pc = 0u; pc < (KW + 4u) / 2u; pc++) {
        words[pr][pc] = select(0xffffffffu, arg[ab + off[pr][pc]], live[pr][pc]);
      }
    }
    for (var j = 0u; j < 4u; j++) {
      let co = cog * 4u + j;
      if (co >= p.cout) { break; }
      // The conv-output gradient of channel co over the block's rows/columns.
      var d: array<array<f32, 6>, 4>;
      let gb = (n * p.cout + co) * phw;
      for (var pr = 0u; pr < (KH + 2u) / 2u; pr++) {
        for (var pc = 0u; pc < (KW + 4u) / 2u; pc++) {
          let g = gy[gb + off[pr][pc]];
          let at = (words[pr][pc] >> (8u * j)) & 255u;
          for (var s = 0u; s < 4u; s++) {
            let dr = pr * 2u + s / 2u;
            let dc = pc * 2u + s % 2u;
            if (dr <= KH && dc < KW + 3u) { d[dr][dc] = select(0.0, g, at == s); }
          }
        }
      }
      let wb = run * p.wrun + (cig * p.cout + co) * KH * KW;
      for (var ky = 0u; ky < KH; ky++) {
        for (var kx = 0u; kx < KW; kx++) {
          let wt = wv[wb + ky * KW + kx];
          for (var i = 0u; i < 2u; i++) {
            for (var c = 0u; c < 4u; c++) {
              acc[i][c] += d[i + KH - 1u - ky][c + KW - 1u - kx] * wt;
            }
          }
        }
      }
    }
  }

  let hw = p.h * p.w;
  let ci0 = cig * 4u;
  for (var i = 0u; i < 2u; i++) {
    for (var c = 0u; c < 4u; c++) {
      let iy = iy0 + i32(i);
      let ix = ix0 + i32(c);
      if (iy >= 0 && iy < i32(p.h) && ix >= 0 && ix < i32(p.w)) {
        let o = (n * p.cin + ci0) * hw + u32(iy) * p.w + u32(ix);
        for (var j = 0u; j < 4u; j++) {
          if (ci0 + j < p.cin) { dx[o + j * hw] = acc[i][c][j]; }
        }
      }
    }
  }
}
