// One sample's evaluation: the predicted class, its softmax confidence and calibration bin,
// shared by metrics_eval.wgsl and metrics_eval_global.wgsl (the including shader declares `logits`).
override C: u32 = 10u;     // classes
override BINS: u32 = 15u;  // calibration bins
// Fixed point for the confidence sums: round(conf * 1e5) per sample, so one u32 word holds
// 42,949 samples at confidence 1 (10,000 samples per bin need at most 1e9).
const CONF_SCALE: f32 = 100000.0;

struct TopClass {
  pred: u32,
  bin: u32,
  conf: u32,  // round(conf * CONF_SCALE)
}

fn topClass(i: u32) -> TopClass {
  let base = i * C;
  // argmax with the first maximum winning (strict >), like torch.argmax.
  var m = logits[base];
  var pred = 0u;
  for (var j = 1u; j < C; j++) {
    let v = logits[base + j];
    if (v > m) { m = v; pred = j; }
  }
  // Stable softmax: the top probability is 1 / sum_j exp(l_j - max).
  var s = 0.0;
  for (var j = 0u; j < C; j++) { s += exp(logits[base + j] - m); }
  let conf = 1.0 / s;
  return TopClass(pred, min(u32(floor(conf * f32(BINS))), BINS - 1u), u32(floor(conf * CONF_SCALE + 0.5)));
}
