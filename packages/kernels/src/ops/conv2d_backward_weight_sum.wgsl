// dweight/dbias pass 2 of 2: one invocation per (co, k) entry adds that entry's partial sums
// over all chunks in a fixed order (deterministic), then writes dweight (k < K) or dbias (k = K).

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let cols = p.kk + 1u;
  let e = gid.x;
  let stride = p.cout * cols;
  if (e >= stride) { return; }
  var s = 0.0;
  for (var c = 0u; c < p.chunks; c++) { s += partial[c * stride + e]; }
  let co = e / cols;
  let k = e - co * cols;
  if (k < p.kk) { dweight[co * p.kk + k] = s; } else { dbias[co] = s; }
}
