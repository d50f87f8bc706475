// Packs a weight matrix as vec4s over groups of 4 rows, wv[g · K + k] = (W[4g, k], .., W[4g + 3, k])
// (0 past `rows`), into a uniform-usage buffer: on CPU drivers a storage load is a per-lane gather
// even at a uniform address, while a uniform-buffer load at a uniform index is one scalar load.
// W[r, k] = w[r · rs + (k / inner) · os + k % inner]: the forward packs w [cout, K] as is (rows
// cout, inner K); the fused backward-input packs its transpose over input channels (rows cin,
// K = cout · kh·kw, inner kh·kw, os cin·kh·kw). Runs: `count` vec4s per run one after another,
// run r's weights `wstride` floats after run r - 1's (the parameter store's stride).

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let at = gid.x;  // run · count + g · K + k
  if (at >= p.runs * p.count) { return; }
  let run = at / p.count;
  let i = at - run * p.count;
  let g = i / p.kk;
  let k = i - g * p.kk;
  let o = k / p.inner;
  let col = run * p.wstride + o * p.os + (k - o * p.inner);
  var v = vec4f(0.0);
  for (var j = 0u; j < 4u; j++) {
    let r = g * 4u + j;
    if (r < p.rows) { v[j] = w[r * p.rs + col]; }
  }
  wv[at] = v;
}
