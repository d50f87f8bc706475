// Rearranges conv weights w[co, ci, t] (t = ky·kw + kx) for the kernels that read them another way:
//   order 0: wt[ci, t, co]          conv2d_forward_3x3.wgsl reads one tap's 4 output channels as a vec4;
//   order 1: wt[co, khw-1-t, ci]    the same for the input gradient at stride 1, a forward
//                                    convolution of dy with the flipped, transposed kernel;
//   order 2: wt[ci, co, khw-1-t]    that flipped, transposed kernel in conv2d_forward.wgsl's order.

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;  // index into w
  if (i >= p.cout * p.cin * p.khw) { return; }
  let t = i % p.khw;
  let cc = i / p.khw;
  let ci = cc % p.cin;
  let co = cc / p.cin;
  let f = p.khw - 1u - t;
  switch p.order {
    case 0u: { wt[(ci * p.khw + t) * p.cout + co] = w[i]; }
    case 1u: { wt[(co * p.khw + f) * p.cin + ci] = w[i]; }
    default: { wt[(ci * p.cout + co) * p.khw + f] = w[i]; }
  }
}
