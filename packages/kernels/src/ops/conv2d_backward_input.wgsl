// dx for a 2-D convolution, written as a gather (no atomics): one invocation per input pixel
// (n, iy, ix) computes a block of 8 input channels (workgroup z). Only taps with
// iy + pad - ky divisible by stride are visited: ky starts at (iy + pad) % stride and steps by
// stride while oy steps down by 1, so the inner loops have no div/mod.
// Runs: grid z = run · channel blocks; run r's samples follow run r−1's, its weights sit wstride
// floats after run 0's.

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let hw = p.h * p.w;
  let pix = gid.x + gid.y * p.row;
  if (pix >= p.n * hw) { return; }
  let cblocks = (p.cin + 7u) / 8u;
  let run = wid.z / cblocks;
  let ns = pix / hw;  // the sample within its run
  let r = pix - ns * hw;
  let n = run * p.n + ns;
  let iy = r / p.w;
  let ix = r - iy * p.w;

  let ci0 = (wid.z - run * cblocks) * 8u;  // workgroup_id, not gid: keeps weight indices provably uniform (scalar loads)
  let khw = p.kh * p.kw;
  let kk = p.cin * khw;
  let last = vec4u(p.cin - 1u);
  let w0 = min(vec4u(ci0) + vec4u(0u, 1u, 2u, 3u), last) * khw + run * p.wstride;
  let w1 = min(vec4u(ci0) + vec4u(4u, 5u, 6u, 7u), last) * khw + run * p.wstride;
  let wide = ci0 + 4u < p.cin;

  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  let ohw = p.oh * p.ow;
  let dyn = n * p.cout * ohw;
  let ty = iy + p.pad;
  let tx = ix + p.pad;
  let kx0 = tx % p.stride;
  let ox0 = i32(tx / p.stride);
  var oy = i32(ty / p.stride);
  for (var ky = ty % p.stride; ky < p.kh; ky += p.stride) {
    if (oy < 0) { break; }
    let rowOk = oy < i32(p.oh);
    var ox = ox0;
    for (var kx = kx0; kx < p.kw; kx += p.stride) {
      if (ox < 0) { break; }
      let ok = rowOk && ox < i32(p.ow);
      let o = dyn + u32(min(oy, i32(p.oh) - 1)) * p.ow + u32(min(ox, i32(p.ow) - 1));
      let tap = ky * p.kw + kx;
      for (var co = 0u; co < p.cout; co++) {
        let g = select(0.0, dy[o + co * ohw], ok);
        let wb = co * kk + tap;
        a0 += g * vec4f(weight[wb + w0.x], weight[wb + w0.y], weight[wb + w0.z], weight[wb + w0.w]);
        if (wide) {
          a1 += g * vec4f(weight[wb + w1.x], weight[wb + w1.y], weight[wb + w1.z], weight[wb + w1.w]);
        }
      }
      ox -= 1;
    }
    oy -= 1;
  }
  let xb = n * p.cin * hw + r;
  for (var j = 0u; j < 4u; j++) {
    if (ci0 + j < p.cin) { dx[xb + (ci0 + j) * hw] = a0[j]; }
    if (ci0 + 4u + j < p.cin) { dx[xb + (ci0 + 4u + j) * hw] = a1[j]; }
  }
}
