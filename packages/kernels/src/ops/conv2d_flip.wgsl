// wt[ci, co, ky, kx] = w[co, ci, kh-1-ky, kw-1-kx]: the weights of the transposed convolution,
// so that at stride 1 the input gradient is a plain forward convolution of dy (conv2d.ts).
struct Params { cout: u32, cin: u32, kh: u32, kw: u32 }

@group(0) @binding(0) var<storage, read> w: array<f32>;
@group(0) @binding(1) var<storage, read_write> wt: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let khw = p.kh * p.kw;
  let i = gid.x;  // index into w
  if (i >= p.cout * p.cin * khw) { return; }
  let t = i % khw;
  let cc = i / khw;
  let ci = cc % p.cin;
  let co = cc / p.cin;
  let ky = t / p.kw;
  let kx = t - ky * p.kw;
  wt[(ci * p.cout + co) * khw + (p.kh - 1u - ky) * p.kw + (p.kw - 1u - kx)] = w[i];
}
