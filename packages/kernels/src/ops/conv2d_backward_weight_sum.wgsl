// dweight/dbias pass 2 of 2: one invocation per (co, k) entry adds that entry's partial sums
// over all chunks in a fixed order (deterministic), then writes dweight (k < K) or dbias (k = K).
// Runs: grid y = run; run r sums its own partials [r][chunk] into its copy of dweight / dbias
// (wstride / bstride floats after run 0's). biasInWeight: dweight's binding also holds dbias (at
// boff; dweight's own entries at woff), as one binding because writable bindings must not overlap.

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let cols = p.kk + 1u;
  let e = gid.x;
  let run = gid.y;
  let stride = p.cout * cols;
  if (e >= stride) { return; }
  let base = run * p.chunks * stride;
  var s = 0.0;
  for (var c = 0u; c < p.chunks; c++) { s += partial[base + c * stride + e]; }
  let co = e / cols;
  let k = e - co * cols;
  if (k < p.kk) {
    dweight[p.woff + run * p.wstride + co * p.kk + k] = s;
  } else if (p.biasInWeight != 0u) {
    dweight[p.boff + run * p.bstride + co] = s;
  } else {
    dbias[run * p.bstride + co] = s;
  }
}
