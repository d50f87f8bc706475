// dweight/dbias pass 1 of 2: a split reduction over the N·OH·OW positions. View the gradient as
// a small matrix product dW[co, k] = Σ_p dy[co, p] · X[k, p] (k = ci·kh·kw + ky·kw + kx, plus
// one extra column k = K whose "input" is 1, giving dbias). Invocation (chunk, tile) sums one
// chunk of positions for a 4-channel × 8-column tile held in registers (4 dy + 8 x loads per
// 32 FMAs) and writes its partial sums; conv2d_backward_weight_sum.wgsl adds the chunks.
// Runs: grid y = run; run r reads its own samples [r·n, (r+1)·n) and writes its own partials
// [r][chunk][co][k], so no sum crosses runs.

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  // gid.x enumerates (tile, chunk) with chunk fastest, so neighbouring lanes share a tile.
  let id = gid.x;
  let run = gid.y;
  if (id >= p.chunks * p.tiles) { return; }
  let tile = id / p.chunks;
  let c = id - tile * p.chunks;
  let cot = tile / p.ktiles;
  let kt = tile - cot * p.ktiles;

  let khw = p.kh * p.kw;
  let kk = p.cin * khw;
  let hw = p.h * p.w;
  let ohw = p.oh * p.ow;
  let co0 = cot * 4u;
  let cs = min(vec4u(co0) + vec4u(0u, 1u, 2u, 3u), vec4u(p.cout - 1u)) * ohw;

  // Decode the 8 columns once: input-plane offset and (ky - pad, kx - pad); kind 0 real, 1 bias, 2 none.
  var off: array<u32, 8>;
  var ty: array<i32, 8>;
  var tx: array<i32, 8>;
  var kind: array<u32, 8>;
  var lin: array<u32, 8>;  // pad 0: plane offset + ky·w + kx in one
  for (var j = 0u; j < 8u; j++) {
    let k = kt * 8u + j;
    let kc = min(k, kk - 1u);
    let ci = kc / khw;
    let t = kc - ci * khw;
    let ky = t / p.kw;
    off[j] = ci * hw;
    ty[j] = i32(ky) - i32(p.pad);
    tx[j] = i32(t - ky * p.kw) - i32(p.pad);
    kind[j] = select(select(2u, 1u, k == kk), 0u, k < kk);
    lin[j] = off[j] + ky * p.w + (t - ky * p.kw);
  }

  var acc: array<vec4f, 8>;
  let total = p.n * ohw;
  let start = c * p.chunk;
  let end = min(start + p.chunk, total);
  // Walk positions with counters instead of dividing per position.
  var n = start / ohw;  // the sample within the run
  var r = start - n * ohw;
  n += run * p.n;
  var oy = r / p.ow;
  var ox = r - oy * p.ow;
  let hi = vec2i(i32(p.h) - 1, i32(p.w) - 1);
  for (var q = start; q < end; q++) {
    let db = n * p.cout * ohw + oy * p.ow + ox;
    let g = vec4f(dy[db + cs.x], dy[db + cs.y], dy[db + cs.z], dy[db + cs.w]);
    let xb = n * p.cin * hw;
    let by = i32(oy * p.stride);
    let bx = i32(ox * p.stride);
    if (p.pad == 0u) {
      // No padding: every real column is inside the image, so no bounds checks.
      let xr = xb + u32(by) * p.w + u32(bx);
      for (var j = 0u; j < 8u; j++) {
        acc[j] += select(select(0.0, 1.0, kind[j] == 1u), x[xr + lin[j]], kind[j] == 0u) * g;
      }
    } else {
      for (var j = 0u; j < 8u; j++) {
        let iy = by + ty[j];
        let ix = bx + tx[j];
        let ok = kind[j] == 0u && iy >= 0 && iy <= hi.x && ix >= 0 && ix <= hi.y;
        let xi = xb + off[j] + u32(clamp(iy, 0, hi.x)) * p.w + u32(clamp(ix, 0, hi.y));
        acc[j] += select(select(0.0, 1.0, kind[j] == 1u), x[xi], ok) * g;
      }
    }
    ox++;
    if (ox == p.ow) {
      ox = 0u;
      oy++;
      if (oy == p.oh) { oy = 0u; n++; }
    }
  }

  let cols = kk + 1u;
  for (var i = 0u; i < 4u; i++) {
    let co = co0 + i;
    if (co >= p.cout) { break; }
    let pb = ((run * p.chunks + c) * p.cout + co) * cols;
    for (var j = 0u; j < 8u; j++) {
      let k = kt * 8u + j;
      if (k < cols) { partial[pb + k] = acc[j][i]; }
    }
  }
}
