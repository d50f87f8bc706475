// The small head of a classifier, fused, per sample (one invocation each): h = ReLU(W1·x + b1),
// z = W2·h + b2, the loss's gradient dz (loss_row.wgsl and the loss's compiled lossRow, appended), dh = (W2ᵀ·dz) ⊙ [h > 0] and
// dx = W1ᵀ·dh. h, dh, dz and the sample's loss and hit go to `scratch` for head_weight_grads.wgsl.
// The weights are read from a uniform binding of the packed parameters (fc1.weight … fc2.bias):
// every lane reads the same address, which CPU drivers serve with one load instead of a gather.
// Shapes are constants prepended by head.ts: K4 = in/4, H4 = hidden/4, C classes, CQ = ⌈C/4⌉,
// S = 2·H4 + CQ + 1 vec4s of scratch per sample, W_VEC4S and the offsets OB1, OW2, OB2 (vec4s).
// Plain float32 with multiply-adds, summed in k order.
// Lockstep runs: the grid's y is the run; run r's samples are rows r·n … of x, labels, scratch and
// dx, its weights start p.wStride vec4s after run r−1's in w, its loss is lossRowOf(lossOf[r], …).
// Bindings (x [R·n, K4], labels, lossOf [R], scratch [R·n, S], dx [R·n, K4], the weights w) and the
// uniforms `p` (n per run, gradScale = 1/n, wStride) are declared in head.ts.

var<private> zrow: array<f32, C>;
var<private> drow: array<f32, C>;

fn logitAt(i: u32, j: u32) -> f32 {
  return zrow[j];
}

fn setGrad(i: u32, j: u32, d: f32) {
  drow[j] = d * p.gradScale;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x >= p.n) { return; }
  let run = gid.y;
  let i = run * p.n + gid.x;  // the sample's row in the run-major buffers
  let xb = i * K4;
  let sb = i * S;
  let wb = run * p.wStride;   // the run's weights

  // fc1 + ReLU, four hidden units at a time (rows r0 … r0 + 3 of W1).
  for (var hq = 0u; hq < H4; hq++) {
    let r0 = 4u * hq * K4;
    var acc = w[wb + OB1 + hq];
    for (var kq = 0u; kq < K4; kq++) {
      let xv = x[xb + kq];
      acc += vec4f(dot(w[wb + r0 + kq], xv), dot(w[wb + r0 + K4 + kq], xv), dot(w[wb + r0 + 2u * K4 + kq], xv), dot(w[wb + r0 + 3u * K4 + kq], xv));
    }
    scratch[sb + hq] = max(acc, vec4f(0.0));
  }

  // fc2
  for (var c = 0u; c < C; c++) { zrow[c] = w[wb + OB2 + c / 4u][c % 4u]; }
  for (var hq = 0u; hq < H4; hq++) {
    let hv = scratch[sb + hq];
    for (var c = 0u; c < C; c++) { zrow[c] += dot(w[wb + OW2 + c * H4 + hq], hv); }
  }

  // The loss and dz (scaled for the batch mean).
  let r = lossRowOf(lossOf[run], i, C, labels[i], true);
  for (var c = 0u; c < C; c++) { scratch[sb + 2u * H4 + c / 4u][c % 4u] = drow[c]; }
  scratch[sb + 2u * H4 + CQ] = vec4f(r.loss, f32(r.correct), 0.0, 0.0);

  // dh = (W2ᵀ·dz) ⊙ [h > 0]
  for (var hq = 0u; hq < H4; hq++) {
    var a = vec4f(0.0);
    for (var c = 0u; c < C; c++) { a += w[wb + OW2 + c * H4 + hq] * drow[c]; }
    scratch[sb + H4 + hq] = select(vec4f(0.0), a, scratch[sb + hq] > vec4f(0.0));
  }

  // dx = W1ᵀ·dh
  for (var kq = 0u; kq < K4; kq++) {
    var a = vec4f(0.0);
    for (var hq = 0u; hq < H4; hq++) {
      let d = scratch[sb + H4 + hq];
      let r0 = 4u * hq * K4 + kq;
      a += w[wb + r0] * d.x + w[wb + r0 + K4] * d.y + w[wb + r0 + 2u * K4] * d.z + w[wb + r0 + 3u * K4] * d.w;
    }
    dx[xb + kq] = a;
  }
}
