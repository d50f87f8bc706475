// Packs conv weights [cout, cin·kh·kw] as vec4s over groups of 4 output channels,
// wv[g · K + k] = (w[4g, k], .., w[4g + 3, k]) (0 past cout), into a uniform-usage buffer: on CPU
// drivers a storage load is a per-lane gather even at a uniform address, while a uniform-buffer
// load at a uniform index is one scalar load, so the fused forward reads its weights from here.
struct Params { cout: u32, kk: u32, count: u32, pad: u32 }

@group(0) @binding(0) var<storage, read> w: array<f32>;
@group(0) @binding(1) var<storage, read_write> wv: array<vec4f>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;  // g · K + k
  if (i >= p.count) { return; }
  let g = i / p.kk;
  let k = i - g * p.kk;
  var v = vec4f(0.0);
  for (var j = 0u; j < 4u; j++) {
    let co = g * 4u + j;
    if (co < p.cout) { v[j] = w[co * p.kk + k]; }
  }
  wv[i] = v;
}
