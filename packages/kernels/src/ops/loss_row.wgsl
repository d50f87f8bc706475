// The shared part of every loss's per-row math. The loss itself is compiled from its definition
// (src/losses/wgsl.ts generates `fn lossRow<k>(i, C, y, grad) -> LossRow`, which starts with
// lossPrelude; loss.ts's lossRowCode appends one per distinct loss and `lossRowOf(k, …)` choosing
// among them for a run); the including shader (loss.wgsl, head_forward_backward.wgsl) defines how a row is
// read and its gradient written: fn logitAt(i: u32, j: u32) -> f32 and fn setGrad(i: u32, j: u32,
// d: f32) (d is d loss_i / d z_ij, before the batch's 1/n scale).
// Precision: q = 1 − p_y is summed from the other classes (no cancellation as p_y → 1) and
// ce = −log p_y = −log(1 − q) comes from a series for q < 1/2, so losses of p_y stay exact there.

struct LossRow {
  loss: f32,
  correct: u32, // 1 when the first argmax is the target
}

struct LossPrelude {
  mx: f32,   // max logit
  am: u32,   // its index (first max wins, like torch.argmax)
  inv: f32,  // 1 / Σ exp(z − mx)
  lse: f32,  // logsumexp z
  q: f32,    // 1 − p_y, from the other classes
  py: f32,   // p_y
  zy: f32,   // z_y
  ce: f32,   // −log p_y
  r: f32,    // ce / q (→ 1 as q → 0)
  qmax: f32, // 1 − p at the argmax, from the other classes
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

// 1 − exp(−x), without cancellation for small |x|.
fn oneMinusExpNeg(x: f32) -> f32 {
  if (abs(x) < 0.25) {
    // x·(1 − x/2! + x²/3! − …), terms to x^10/11! (error < 1e-9 relative for |x| < 1/4).
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

fn lossPrelude(i: u32, C: u32, y: u32) -> LossPrelude {
  var mx = logitAt(i, 0u);
  var am = 0u;
  for (var j = 1u; j < C; j++) {
    let z = logitAt(i, j);
    if (z > mx) { mx = z; am = j; }
  }
  var s = 0.0;
  var others = 0.0;
  var othersMax = 0.0;
  for (var j = 0u; j < C; j++) {
    let e = exp(logitAt(i, j) - mx);
    s += e;
    if (j != y) { others += e; }
    if (j != am) { othersMax += e; }
  }
  let zy = logitAt(i, y);
  let inv = 1.0 / s;
  let lse = log(s) + mx;
  let q = others * inv;
  let py = exp(zy - mx) * inv;
  var r = 1.0;
  var ce: f32;
  if (q < 0.5) {
    r = ceOverQ(q);
    ce = q * r;
  } else {
    ce = lse - zy;
    r = ce / q;
  }
  return LossPrelude(mx, am, inv, lse, q, py, zy, ce, r, othersMax * inv);
}

// 1 − p_k: q at the target, from the other classes at the argmax (where p_k may be → 1), else direct (p_k ≤ 1/2).
fn oneMinusP(i: u32, k: u32, y: u32, pre: LossPrelude) -> f32 {
  if (k == y) { return pre.q; }
  if (k == pre.am) { return pre.qmax; }
  return 1.0 - exp(logitAt(i, k) - pre.mx) * pre.inv;
}

// −log p_k / (1 − p_k), finite (→ 1) as p_k → 1: the series of ceOverQ below 1/2.
fn negLogPOverOneMinusP(i: u32, k: u32, y: u32, pre: LossPrelude) -> f32 {
  if (k == y) { return pre.r; }
  let x = oneMinusP(i, k, y, pre);
  if (x < 0.5) { return ceOverQ(x); }
  return (pre.lse - logitAt(i, k)) / x;
}
