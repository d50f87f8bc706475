// 3×3 convolution, stride 1, padding 1 (ResNet's), NCHW, for widths and output channels that are
// multiples of 4. A second forward kernel because on CPU drivers every per-invocation load is a
// gather that costs more than the FMAs it feeds: here an invocation computes PX neighbouring
// pixels of one row × 4 output channels, reads each input row segment as PX/4 aligned vec4s plus
// its two edge values, and each tap's 4 weights as one uniform vec4 (conv2d_weight_layout.wgsl
// arranges them [cin·9][cout]). Outputs are stored 4 pixels at a time.
// Runs: grid z = run · channel groups; run r's samples follow run r−1's, its weights sit wstride
// vec4s and its bias bstride floats after run 0's.
override PX: u32 = 16u;  // pixels per invocation: 4, 8 or 16, dividing w

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let per = p.h * p.owq;
  let item = gid.x + gid.y * p.row;
  if (item >= p.n * per) { return; }
  let c4 = p.cout / 4u;
  let run = wid.z / c4;
  let ns = item / per;  // the sample within its run
  let r = item - ns * per;
  let n = run * p.n + ns;
  let oy = r / p.owq;
  let w4 = p.w / 4u;
  let qx = (r - oy * p.owq) * (PX / 4u);  // vec4 index of the first pixel in its row
  let hasLeft = qx > 0u;
  let hasRight = qx + PX / 4u < w4;
  let cg = wid.z - run * c4;  // channel group co0 = 4·cg: workgroup_id keeps weight loads uniform (scalar)

  var acc: array<vec4f, 16>;  // acc[j]: pixel j, channels co0 .. co0+3
  for (var ci = 0u; ci < p.cin; ci++) {
    let plane = (n * p.cin + ci) * p.h * w4;
    for (var ky = 0u; ky < 3u; ky++) {
      let iy = i32(oy + ky) - 1;
      let rowOk = iy >= 0 && iy < i32(p.h);
      let rb = plane + u32(clamp(iy, 0, i32(p.h) - 1)) * w4;
      // xs[j] = input pixel (first - 1 + j) of this row, 0 in the padding.
      var xs: array<f32, 18>;
      xs[0] = select(0.0, x[rb + max(qx, 1u) - 1u].w, rowOk && hasLeft);
      for (var v = 0u; v < PX / 4u; v++) {
        let s = select(vec4f(0.0), x[rb + qx + v], rowOk);
        xs[4u * v + 1u] = s.x; xs[4u * v + 2u] = s.y; xs[4u * v + 3u] = s.z; xs[4u * v + 4u] = s.w;
      }
      xs[PX + 1u] = select(0.0, x[rb + min(qx + PX / 4u, w4 - 1u)].x, rowOk && hasRight);
      let wrow = run * p.wstride + (ci * 3u + ky) * 3u * c4 + cg;
      for (var kx = 0u; kx < 3u; kx++) {
        let wv = wt[wrow + kx * c4];
        for (var j = 0u; j < PX; j++) { acc[j] = fma(vec4f(xs[j + kx]), wv, acc[j]); }
      }
    }
  }
  let bb = run * p.bstride + 4u * cg;
  let b = vec4f(bias[bb], bias[bb + 1u], bias[bb + 2u], bias[bb + 3u]);
  let relu = p.relu != 0u;
  for (var j = 0u; j < PX; j++) {
    acc[j] += b;
    if (relu) { acc[j] = max(acc[j], vec4f(0.0)); }
  }
  // Channel c of pixels 4v .. 4v+3 is one aligned vec4 of y.
  let plane = p.h * w4;
  let yb = (n * p.cout + 4u * cg) * plane + oy * w4 + qx;
  for (var v = 0u; v < PX / 4u; v++) {
    let a0 = acc[4u * v]; let a1 = acc[4u * v + 1u]; let a2 = acc[4u * v + 2u]; let a3 = acc[4u * v + 3u];
    y[yb + v] = vec4f(a0.x, a1.x, a2.x, a3.x);
    y[yb + plane + v] = vec4f(a0.y, a1.y, a2.y, a3.y);
    y[yb + 2u * plane + v] = vec4f(a0.z, a1.z, a2.z, a3.z);
    y[yb + 3u * plane + v] = vec4f(a0.w, a1.w, a2.w, a3.w);
  }
}
