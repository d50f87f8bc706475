// The adapter's arithmetic limit: register-only multiply-adds, no memory traffic but one store
// per invocation (so the compiler keeps the loop). 8 independent vec4 chains per invocation hide
// the FMA latency; FUSED picks fma() or a separate multiply and add (some drivers lower fma()
// to a slow exact routine, some fuse a*b+c themselves): the bench takes the faster.
override FUSED: bool = true;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * p.row;
  let seed = f32(i & 255u) * 1e-3;
  let m = vec4f(0.999, 0.9991, 0.9992, 0.9993);
  let a = vec4f(1e-4 + seed);
  var c0 = vec4f(seed);
  var c1 = c0 + 0.1;
  var c2 = c0 + 0.2;
  var c3 = c0 + 0.3;
  var c4 = c0 + 0.4;
  var c5 = c0 + 0.5;
  var c6 = c0 + 0.6;
  var c7 = c0 + 0.7;
  for (var k = 0u; k < p.iterations; k++) {
    if (FUSED) {
      c0 = fma(c0, m, a); c1 = fma(c1, m, a); c2 = fma(c2, m, a); c3 = fma(c3, m, a);
      c4 = fma(c4, m, a); c5 = fma(c5, m, a); c6 = fma(c6, m, a); c7 = fma(c7, m, a);
    } else {
      c0 = c0 * m + a; c1 = c1 * m + a; c2 = c2 * m + a; c3 = c3 * m + a;
      c4 = c4 * m + a; c5 = c5 * m + a; c6 = c6 * m + a; c7 = c7 * m + a;
    }
  }
  out[i] = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7));
}
