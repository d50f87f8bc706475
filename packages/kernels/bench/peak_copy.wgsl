// The adapter's memory limit: a streaming vec4 copy (every byte read once, written once).
struct Params { count: u32, row: u32 }

@group(0) @binding(0) var<storage, read> src: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4f>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * params.row;
  if (i < params.count) { dst[i] = src[i]; }
}
