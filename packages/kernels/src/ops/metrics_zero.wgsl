// Clears u32 accumulators inside a compute pass, so "reset, accumulate, ..., read" can all be
// recorded into one command stream (encoder.clearBuffer would need to end the pass).
struct Shape { n: u32, row: u32 }

@group(0) @binding(0) var<storage, read_write> words: array<u32>;
@group(0) @binding(1) var<uniform> shape: Shape;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * shape.row;
  if (i >= shape.n) { return; }
  words[i] = 0u;
}
