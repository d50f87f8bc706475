// Backward of y = a + S(b) to one of its inputs t (a: identity, b: the shortcut S), as a gather
// over t [n, ct, ht, wt]: dt = Sᵀ(g) with g = dy masked by the fused ReLU (y > 0). Every element of
// dt is written; accumulate != 0 adds into it instead, so a tensor consumed twice (a block's
// input: its first conv and its shortcut) receives the sum of both gradients.

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * p.row;
  if (i >= p.total) { return; }
  let tx = i % p.wt;
  let ty = (i / p.wt) % p.ht;
  let ct = (i / (p.wt * p.ht)) % p.ct;
  let n = i / (p.wt * p.ht * p.ct);
  var g = 0.0;
  let c = ct + p.offset;
  if (tx % p.stride == 0u && ty % p.stride == 0u && ty / p.stride < p.h && tx / p.stride < p.w && c < p.c) {
    let k = ((n * p.c + c) * p.h + ty / p.stride) * p.w + tx / p.stride;
    g = select(dy[k], select(0.0, dy[k], y[k] > 0.0), p.relu != 0u);
  }
  dt[i] = select(g, dt[i] + g, p.accumulate != 0u);
}
