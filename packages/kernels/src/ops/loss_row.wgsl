// The per-row math of the classification losses, shared by the loss kernel (loss.wgsl) and the
// fused head (head_forward_backward.wgsl). The including shader defines how a row is read and
// its gradient written: fn logitAt(i: u32, j: u32) -> f32 and fn setGrad(i: u32, j: u32, d: f32)
// (d is d loss_i / d z_ij, before the batch's 1/n scale).
// Precision: q = 1 − p_y is summed from the other classes (no cancellation as p_y → 1) and
// ce = −log(1 − q) comes from a series for q < 1/2, so focal/GCE stay exact and finite there.
const KIND_CE = 0u;
const KIND_FOCAL = 1u;
const KIND_L1 = 2u;
const KIND_L1_LOGITS = 3u;
const KIND_LS = 4u;
const KIND_GCE = 5u;

struct LossRow {
  loss: f32,
  correct: u32, // 1 when the first argmax is the target
}

// −log(1 − q) for 0 ≤ q < 1/2: 2·atanh(t), t = q/(2 − q) ≤ 1/3, odd series to t^19 (error < 1e-9
// relative). Divided by q it is also ce/q, which stays ≈ 1 as q → 0.
fn ceOverQ(q: f32) -> f32 {
  let t = q / (2.0 - q);
  let t2 = t * t;
  var s = 1.0 / 19.0;
  for (var k = 17; k >= 1; k -= 2) { s = fma(s, t2, 1.0 / f32(k)); }
  return 2.0 * s / (2.0 - q);  // 2t·s/q
}

// q^g for q ≥ 0, g ≥ 0; exact for small integer and half-integer g; q^0 = 1.
fn powq(q: f32, g: f32) -> f32 {
  if (g == 0.0) { return 1.0; }
  if (q <= 0.0) { return 0.0; }
  if (g == 0.5) { return sqrt(q); }
  if (g == floor(g) && g <= 8.0) {
    var r = 1.0;
    for (var i = 0.0; i < g; i += 1.0) { r *= q; }
    return r;
  }
  return exp2(g * log2(q));
}

// 1 − exp(−x) for x ≥ 0, without cancellation for small x.
fn oneMinusExpNeg(x: f32) -> f32 {
  if (x < 0.25) {
    // x·(1 − x/2! + x²/3! − …), terms to x^10/11! (error < 1e-9 relative for x < 1/4).
    var term = 1.0;
    var s = 1.0;
    for (var k = 1; k <= 9; k++) {
      term *= -x / f32(k + 1);
      s += term;
    }
    return x * s;
  }
  return 1.0 - exp(-x);
}

// Sample i of C classes, target y, loss `kind` with parameter g; the gradient goes to setGrad when `grad`.
fn lossRow(i: u32, C: u32, y: u32, kind: u32, g: f32, grad: bool) -> LossRow {
  // Max (first max wins, like torch.argmax) and the softmax denominators.
  var mx = logitAt(i, 0u);
  var am = 0u;
  for (var j = 1u; j < C; j++) {
    let z = logitAt(i, j);
    if (z > mx) { mx = z; am = j; }
  }
  var s = 0.0;
  var others = 0.0;
  for (var j = 0u; j < C; j++) {
    let e = exp(logitAt(i, j) - mx);
    s += e;
    if (j != y) { others += e; }
  }
  let zy = logitAt(i, y);
  let inv = 1.0 / s;
  let lse = log(s) + mx;
  let q = others * inv;        // 1 − p_y
  let py = exp(zy - mx) * inv;
  var r = 1.0;                 // ce / q (finite as q → 0)
  var ce: f32;
  if (q < 0.5) {
    r = ceOverQ(q);
    ce = q * r;
  } else {
    ce = lse - zy;
    r = ce / q;
  }

  // Per kind: the per-sample loss, and the gradient as f·(p_j − δ_jy) + shift (off-target)
  // with the target entry given separately.
  var loss = ce;
  var f = 1.0;                 // multiplies p_j (j ≠ y) and −q (j = y)
  var shift = 0.0;             // added to every entry (label smoothing)
  var targetExtra = 0.0;       // added to the target entry (label smoothing)
  switch kind {
    case KIND_FOCAL: {
      let qg = powq(q, g);
      loss = qg * ce;
      f = qg * (1.0 + g * py * r);  // d/dce of q^γ·ce, with q^(γ−1)·ce = q^γ·r
    }
    case KIND_LS: {
      var sumNll = ce;
      for (var j = 0u; j < C; j++) {
        if (j != y) { sumNll += lse - logitAt(i, j); }
      }
      loss = (1.0 - g) * ce + g / f32(C) * sumNll;
      shift = -g / f32(C);
      targetExtra = g;
    }
    case KIND_GCE: {
      let x = g * ce;
      loss = oneMinusExpNeg(x) / g;
      f = exp(-x);                  // p_y^q
    }
    case KIND_L1: {
      // Σ_j |p_j − δ_jy| = 2q; through the softmax Jacobian: 2·p_y·p_j off target, −2·q·p_y on it
      // (autograd's sign(0) = 0 makes it all zero when q = 0).
      loss = 2.0 * q / f32(C);
      f = select(0.0, 2.0 * py, q > 0.0);
    }
    case KIND_L1_LOGITS: {
      var sa = 0.0;
      for (var j = 0u; j < C; j++) {
        sa += abs(logitAt(i, j) - select(0.0, 1.0, j == y));
      }
      loss = sa / f32(C);
    }
    default: {}
  }
  if (grad) {
    for (var j = 0u; j < C; j++) {
      let z = logitAt(i, j);
      var d: f32;
      if (kind == KIND_L1_LOGITS) {
        d = sign(z - select(0.0, 1.0, j == y));
      } else if (j == y) {
        d = -f * q + targetExtra + shift;
      } else {
        d = f * exp(z - mx) * inv + shift;
      }
      setGrad(i, j, d);
    }
  }
  return LossRow(loss, select(0u, 1u, am == y));
}
