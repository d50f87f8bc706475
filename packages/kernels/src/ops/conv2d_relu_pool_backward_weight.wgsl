// dweight/dbias of the fused conv + ReLU + 2×2/2 max pool, pass 1 of 2 (pass 2 is
// conv2d_backward_weight_sum.wgsl). The conv's output gradient is never materialised: in each
// pooled cell it is the pooled gradient at the argmax position (if the maximum was > 0), else 0.
// Invocation (chunk, ci, channel group) walks a chunk of pooled rows; storage loads are per-lane
// gathers on CPU drivers and dominate, so along a row the input patch slides: per cell it loads
// the argmax word, 4 pooled gradients and 2 new patch columns (13 loads for a 3×3 kernel, was
// 21), and does the 4 window positions × KH·KW taps as masked vec4 FMAs in registers. Whole rows
// keep every lane at the same px, so the loop needs no per-lane row-wrap branch.
// KH, KW are pipeline constants, so every loop unrolls and the arrays stay in registers.
override KH: u32 = 3;
override KW: u32 = 3;
const MAX_TAPS = 9u;    // KH, KW <= 3

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  // gid.x enumerates (ci, group, chunk) with chunk fastest; gid.z is the run (p.n samples each,
  // its own partial sums: no sum crosses runs).
  let run = gid.z;
  let id = gid.x;
  if (id >= p.chunks * p.cin * p.cogs) { return; }
  let tile = id / p.chunks;
  let c = id - tile * p.chunks;
  let ci = tile / p.cogs;
  let cog = tile - ci * p.cogs;
  let co0 = cog * 4u;
  let cc = min(vec4u(co0) + vec4u(0u, 1u, 2u, 3u), vec4u(p.cout - 1u));
  let phw = p.ph * p.pw;

  var acc: array<vec4f, MAX_TAPS>;
  var accb = vec4f(0.0);
  let rows = p.n * p.ph;
  let start = c * p.chunk;
  let end = min(start + p.chunk, rows);
  for (var q = start; q < end; q++) {
    let py = q % p.ph;
    let n = run * p.n + q / p.ph;
    let iy0 = i32(py * 2u) - i32(p.pad);
    let plane = (n * p.cin + ci) * p.h * p.w;
    var base: array<u32, 4>;
    var ok: array<bool, 4>;
    // Patch columns 0 and 1 of cell px are columns 2 and 3 of cell px - 1: carried in c0, c1.
    var c0: array<f32, 4>;
    var c1: array<f32, 4>;
    for (var ty = 0u; ty <= KH; ty++) {
      let iy = iy0 + i32(ty);
      ok[ty] = iy >= 0 && iy < i32(p.h);
      base[ty] = plane + u32(clamp(iy, 0, i32(p.h) - 1)) * p.w;
      c0[ty] = ld(base[ty], ok[ty], -i32(p.pad));
      c1[ty] = ld(base[ty], ok[ty], 1 - i32(p.pad));
    }
    let cell0 = py * p.pw;
    let gb = n * p.cout * phw + cell0;
    let ab = (n * p.cogs + cog) * phw + cell0;
    for (var px = 0u; px < p.pw; px++) {
      let word = arg[ab + px];
      let at = (vec4u(word) >> vec4u(0u, 8u, 16u, 24u)) & vec4u(255u);
      let g = vec4f(gy[gb + cc.x * phw + px], gy[gb + cc.y * phw + px], gy[gb + cc.z * phw + px], gy[gb + cc.w * phw + px]);
      // The conv-output gradient at window position j (row-major in the 2×2 window).
      var gp: array<vec4f, 4>;
      for (var j = 0u; j < 4u; j++) { gp[j] = select(vec4f(0.0), g, at == vec4u(j)); }
      accb += gp[0] + gp[1] + gp[2] + gp[3];
      let ix0 = i32(px * 2u) - i32(p.pad);
      for (var ty = 0u; ty <= KH; ty++) {
        var v = array<f32, 4>(c0[ty], c1[ty], ld(base[ty], ok[ty], ix0 + 2), ld(base[ty], ok[ty], ix0 + 3));
        c0[ty] = v[2];
        c1[ty] = v[3];
        for (var tx = 0u; tx <= KW; tx++) {
          // Input (ty, tx) meets tap (ty - wy, tx - wx) of window position (wy, wx).
          for (var wy = 0u; wy < 2u; wy++) {
            for (var wx = 0u; wx < 2u; wx++) {
              if (ty >= wy && ty - wy < KH && tx >= wx && tx - wx < KW) {
                let tap = (ty - wy) * KW + (tx - wx);
                acc[tap] += v[tx] * gp[wy * 2u + wx];
              }
            }
          }
        }
      }
    }
  }

  let khw = KH * KW;
  let cols = p.cin * khw + 1u;
  for (var i = 0u; i < 4u; i++) {
    let co = co0 + i;
    if (co >= p.cout) { break; }
    let pb = ((run * p.chunks + c) * p.cout + co) * cols;
    for (var t = 0u; t < khw; t++) { partial[pb + ci * khw + t] = acc[t][i]; }
    if (ci == 0u) { partial[pb + cols - 1u] = accb[i]; }
  }
}

// x[rowBase + ix], or 0 outside the image (index clamped so the load stays in bounds).
fn ld(rowBase: u32, rowOk: bool, ix: i32) -> f32 {
  let v = x[rowBase + u32(clamp(ix, 0, i32(p.w) - 1))];
  return select(0.0, v, rowOk && ix >= 0 && ix < i32(p.w));
}
