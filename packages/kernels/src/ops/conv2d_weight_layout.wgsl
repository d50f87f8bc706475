// Rearranges conv weights w[co, ci, t] (t = ky·kw + kx) for the kernels that read them another way:
//   order 0: wt[ci, t, co]          conv2d_forward_3x3.wgsl reads one tap's 4 output channels as a vec4;
//   order 1: wt[co, khw-1-t, ci]    the same for the input gradient at stride 1, a forward
//                                    convolution of dy with the flipped, transposed kernel;
//   order 2: wt[ci, co, khw-1-t]    that flipped, transposed kernel in conv2d_forward.wgsl's order.
// Runs: grid y = run; run r's weights sit wstride floats after run 0's, its rearranged copy
// cout·cin·khw floats after run 0's.

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;  // index into run's w
  let count = p.cout * p.cin * p.khw;
  if (i >= count) { return; }
  let v = w[gid.y * p.wstride + i];
  let o = gid.y * count;
  let t = i % p.khw;
  let cc = i / p.khw;
  let ci = cc % p.cin;
  let co = cc / p.cin;
  let f = p.khw - 1u - t;
  switch p.order {
    case 0u: { wt[o + (ci * p.khw + t) * p.cout + co] = v; }
    case 1u: { wt[o + (co * p.khw + f) * p.cin + ci] = v; }
    default: { wt[o + (ci * p.cout + co) * p.khw + f] = v; }
  }
}
