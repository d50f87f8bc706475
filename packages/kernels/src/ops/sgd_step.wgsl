// One torch.optim.SGD step over EVERY parameter at once: nn packs all parameters into one flat
// f32 buffer and all gradients into another with the same layout, so a training step pays for
// one dispatch here instead of one per tensor (a dispatch costs 15-220 us on CPU adapters).
//
// Hyper-parameters live in a host-written uniform (queue.writeBuffer) so the learning rate can
// change every epoch without rebuilding the pipeline or the bind group.
// The momentum buffer starts at zero: with dampening 0, b = mu*0 + g' = g' on the first step,
// which is exactly PyTorch's first-step clone(g'), so no step counter is needed.

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * p.row;
  if (i >= p.n) { return; }
  let w = param[i];
  var d = g[i] + hyper.weight_decay * w;
  // Uniform branch: momentum 0 is plain SGD and leaves the buffer untouched, as in PyTorch.
  if (hyper.momentum != 0.0) {
    let b = hyper.momentum * buf[i] + d;
    buf[i] = b;
    d = select(b, d + hyper.momentum * b, hyper.nesterov != 0u);
  }
  param[i] = w - hyper.lr * d;
}
