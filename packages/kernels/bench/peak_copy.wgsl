// The adapter's memory limit: a streaming vec4 copy (every byte read once, written once).

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * p.row;
  if (i < p.count) { dst[i] = src[i]; }
}
