// One torch.optim.SGD step over EVERY parameter at once: nn packs all parameters into one flat
// f32 buffer and all gradients into another with the same layout, so a training step pays for
// one dispatch here instead of one per tensor (a dispatch costs 15-220 us on CPU adapters).
//
// Hyper-parameters live in a host-written buffer (queue.writeBuffer) so the learning rate can
// change every epoch without rebuilding the pipeline or the bind group: one struct per run.
// Lockstep runs: invocation t updates element t % n of run t / n (at run * stride), with that
// run's hyper-parameters, so all runs take one dispatch and each does exactly its own arithmetic.
// The momentum buffer starts at zero: with dampening 0, b = mu*0 + g' = g' on the first step,
// which is exactly PyTorch's first-step clone(g'), so no step counter is needed.

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x + gid.y * p.row;
  if (t >= p.total) { return; }
  let run = t / p.n;
  let i = run * p.stride + t % p.n;
  let h = hyper[run];
  let w = param[i];
  var d = g[i] + h.weight_decay * w;
  // Momentum 0 is plain SGD and leaves the buffer untouched, as in PyTorch.
  if (h.momentum != 0.0) {
    let b = h.momentum * buf[i] + d;
    buf[i] = b;
    d = select(b, d + h.momentum * b, h.nesterov != 0u);
  }
  param[i] = w - h.lr * d;
}
