// Fused classification losses: stable softmax, per-sample loss, d(mean loss)/d logits and the
// batch statistics (loss sum, correct argmax count, samples) in one dispatch; the per-row math
// is loss_row.wgsl and the losses' compiled rows with their dispatcher lossRowOf (appended by
// loss.ts); bindings and the uniforms `p` are declared in loss.ts.
// One workgroup per lockstep run loops over that run's rows (thread t takes rows t, t+256, …), so
// a run's statistics are reduced in workgroup memory and added to its `stats` by one thread: no
// atomics, any n, and nothing summed across runs.
const STATS_STRIDE = 4u;  // floats per run in `stats` (loss.ts)
const WG = 256u;

var<workgroup> redLoss: array<f32, WG>;
var<workgroup> redCorrect: array<u32, WG>;

fn logitAt(i: u32, j: u32) -> f32 {
  return logits[i * p.c + j];
}

fn setGrad(i: u32, j: u32, d: f32) {
  grad[i * p.c + j] = d * p.gradScale;
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wg: vec3u) {
  let run = wg.x;
  let k = lossOf[run];
  let base = run * p.n;  // the run's first row
  var lossSum = 0.0;
  var correct = 0u;
  for (var i = base + t; i < base + p.n; i += WG) {
    let r = lossRowOf(k, i, p.c, labels[i], p.writeGrad != 0u);
    lossSum += r.loss;
    correct += r.correct;
    if (p.writePerSample != 0u) { perSample[i] = r.loss; }
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
  if (t == 0u && p.addStats != 0u) {
    let s = run * STATS_STRIDE;
    stats[s] += redLoss[0];
    stats[s + 1u] += f32(redCorrect[0]);
    stats[s + 2u] += f32(p.n);
  }
}
