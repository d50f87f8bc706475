// Clears u32 accumulators inside a compute pass, so "reset, accumulate, ..., read" can all be
// recorded into one command stream (encoder.clearBuffer would need to end the pass).

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * p.row;
  if (i >= p.n) { return; }
  words[i] = 0u;
}
