// Fused classification losses: stable softmax, per-sample loss, d(mean loss)/d logits and the
// batch statistics (loss sum, correct argmax count, samples) in one dispatch; the per-row math
// is loss_row.wgsl and the loss's compiled lossRow (appended by loss.ts).
// One workgroup loops over all rows (thread t takes rows t, t+256, …), so the statistics are
// reduced in workgroup memory and added to `stats` by one thread: no atomics, any n.
struct Params {
  n: u32,
  c: u32,
  flags: u32,     // 1: write grad, 2: write perSample, 4: accumulate stats
  gradScale: f32, // scale / n
}

const WG = 256u;

@group(0) @binding(0) var<storage, read> logits: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<u32>;
@group(0) @binding(2) var<storage, read_write> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> perSample: array<f32>;
@group(0) @binding(4) var<storage, read_write> stats: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

var<workgroup> redLoss: array<f32, WG>;
var<workgroup> redCorrect: array<u32, WG>;

fn logitAt(i: u32, j: u32) -> f32 {
  return logits[i * params.c + j];
}

fn setGrad(i: u32, j: u32, d: f32) {
  grad[i * params.c + j] = d * params.gradScale;
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) t: u32) {
  var lossSum = 0.0;
  var correct = 0u;
  for (var i = t; i < params.n; i += WG) {
    let r = lossRow(i, params.c, labels[i], (params.flags & 1u) != 0u);
    lossSum += r.loss;
    correct += r.correct;
    if ((params.flags & 2u) != 0u) { perSample[i] = r.loss; }
  }

  // Workgroup tree reduction of the statistics; thread 0 adds them to the accumulator.
  redLoss[t] = lossSum;
  redCorrect[t] = correct;
  workgroupBarrier();
  for (var h = WG / 2u; h > 0u; h >>= 1u) {
    if (t < h) {
      redLoss[t] += redLoss[t + h];
      redCorrect[t] += redCorrect[t + h];
    }
    workgroupBarrier();
  }
  if (t == 0u && (params.flags & 4u) != 0u) {
    stats[0] += redLoss[0];
    stats[1] += f32(redCorrect[0]);
    stats[2] += f32(params.n);
  }
}
