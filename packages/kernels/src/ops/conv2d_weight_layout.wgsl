// Rearranges conv weights w[co, ci, t] (t = ky·kw + kx) for conv2d_forward_3x3.wgsl, which reads
// one tap's 4 output channels as a vec4: forward, wt[ci, t, co]; for the input gradient (a
// forward convolution of dy with the flipped, transposed kernel), wt[co, khw-1-t, ci].
struct Params { cout: u32, cin: u32, khw: u32, flip: u32 }

@group(0) @binding(0) var<storage, read> w: array<f32>;
@group(0) @binding(1) var<storage, read_write> wt: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;  // index into w
  if (i >= p.cout * p.cin * p.khw) { return; }
  let t = i % p.khw;
  let cc = i / p.khw;
  let ci = cc % p.cin;
  let co = cc / p.cin;
  if (p.flip != 0u) {
    wt[(co * p.khw + p.khw - 1u - t) * p.cin + ci] = w[i];
  } else {
    wt[(ci * p.khw + t) * p.cout + co] = w[i];
  }
}
