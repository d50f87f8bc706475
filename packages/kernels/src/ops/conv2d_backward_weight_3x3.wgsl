// dweight/dbias pass 1 of 2 for 3×3, stride 1, padding 1 convolutions with width and output
// channels multiples of 4: the split reduction of conv2d_backward_weight.wgsl (same partial
// layout [chunk][co][ci·9 + t | bias]; conv2d_backward_weight_sum.wgsl adds the chunks), but an
// invocation owns a chunk of rows × one input channel × 4 output channels × all 9 taps, and walks
// each row 4 pixels at a time: per step one new x vec4 for each of the 3 input rows and 4 dy vec4s
// (aligned loads, not per-pixel gathers) feed 36 four-pixel dot products.
// Runs: grid y = run; run r reads its own samples and writes its own partials [r][chunk][co][k].

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let id = gid.x;  // (chunk, channel group, ci), ci fastest
  let run = gid.y;
  if (id >= p.chunks * p.groups) { return; }
  let c = id / p.groups;
  let g = id - c * p.groups;
  let cg = g / p.cin;
  let ci = g - cg * p.cin;
  let w4 = p.w / 4u;
  let plane = p.h * w4;
  let start = c * p.rows;
  let end = min(start + p.rows, p.n * p.h);

  var acc: array<vec4f, 9>;  // acc[t][i]: tap t, output channel 4·cg + i
  var accb = vec4f(0.0);     // dbias of the 4 output channels
  for (var rr = start; rr < end; rr++) {
    let ns = rr / p.h;  // the sample within the run
    let oy = rr - ns * p.h;
    let n = run * p.n + ns;
    let xp = (n * p.cin + ci) * plane;
    let db = (n * p.cout + 4u * cg) * plane + oy * w4;
    var rb: array<u32, 3>;   // input rows oy-1, oy, oy+1 (clamped) ...
    var ok: array<bool, 3>;  // ... and whether they are inside the image
    var prev: array<vec4f, 3>;  // the vec4 left of the current one (0 at the left padding)
    var cur: array<vec4f, 3>;
    for (var ky = 0u; ky < 3u; ky++) {
      let iy = i32(oy + ky) - 1;
      ok[ky] = iy >= 0 && iy < i32(p.h);
      rb[ky] = xp + u32(clamp(iy, 0, i32(p.h) - 1)) * w4;
      prev[ky] = vec4f(0.0);
      cur[ky] = select(vec4f(0.0), x[rb[ky]], ok[ky]);
    }
    for (var q = 0u; q < w4; q++) {
      let d0 = dy[db + q];
      let d1 = dy[db + plane + q];
      let d2 = dy[db + 2u * plane + q];
      let d3 = dy[db + 3u * plane + q];
      let one = vec4f(1.0);
      accb += vec4f(dot(d0, one), dot(d1, one), dot(d2, one), dot(d3, one));
      var next: array<vec4f, 3>;
      for (var ky = 0u; ky < 3u; ky++) {
        next[ky] = select(vec4f(0.0), x[rb[ky] + min(q + 1u, w4 - 1u)], ok[ky] && q + 1u < w4);
        // Input pixels under output pixels 4q .. 4q+3 at kx = 0, 1, 2.
        let s0 = vec4f(prev[ky].w, cur[ky].xyz);
        let s1 = cur[ky];
        let s2 = vec4f(cur[ky].yzw, next[ky].x);
        acc[3u * ky] += vec4f(dot(d0, s0), dot(d1, s0), dot(d2, s0), dot(d3, s0));
        acc[3u * ky + 1u] += vec4f(dot(d0, s1), dot(d1, s1), dot(d2, s1), dot(d3, s1));
        acc[3u * ky + 2u] += vec4f(dot(d0, s2), dot(d1, s2), dot(d2, s2), dot(d3, s2));
      }
      prev = cur;
      cur = next;
    }
  }

  let cols = p.cin * 9u + 1u;
  for (var i = 0u; i < 4u; i++) {
    let pb = ((run * p.chunks + c) * p.cout + 4u * cg + i) * cols;
    for (var t = 0u; t < 9u; t++) { partial[pb + ci * 9u + t] = acc[t][i]; }
    if (ci == 0u) { partial[pb + cols - 1u] = accb[i]; }
  }
}
