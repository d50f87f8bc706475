// C[m,n] = op(A)·op(B) (+ bias[n]) (then ReLU) (then · [mask > 0]): plain float32 accumulation
// in k order with fma() (one rounding per term where the adapter fuses it), as PyTorch's CPU
// kernels do; the tests bound the error by the sum's magnitude (test/tolerances.ts).
// op(A) is A[m,k] or, with TRANS_A, A stored [k,m]; op(B) is B[k,n] or, with TRANS_B, B stored [n,k].
// One pipeline serves every layout: shapes and flags are uniforms, because pipeline creation
// costs far more on the software adapters than the index arithmetic in the tile loads.
// Each workgroup computes a TS×TS tile of C; each of its (TS/4)² threads a 4×4 block of it,
// from TS×32 / 32×TS slabs of op(A) / op(B) staged in workgroup memory as vec4s (BK = 32
// halves the barriers per k, which cost a coroutine switch per subgroup on CPU adapters).
// Lockstep runs: workgroup z is the run; each operand's run r starts stride_* floats after run
// r-1's (dense blocks for activations, the parameter store's stride for weights and bias), so a
// run's products never mix with another's and sum in exactly the order of a single run.
// TS is 64 for large products and smaller for the linear layers' small ones: a CPU adapter
// runs one workgroup on one core, so a product needs several tiles to use every core.
override TS: u32 = 64u;       // tile size: 64, 32 or 16
override WG: u32 = TS / 4u;    // threads per tile side

const TRANS_A = 1u;
const TRANS_B = 2u;
const BIAS = 4u;
const RELU = 8u;
const MASK = 16u;
override BK: u32 = 32u;

// tileA[kk * WG + g] holds op(A) rows 4g..4g+3 of the tile at depth kk; tileB[kk * WG + g]
// op(B) columns 4g..4g+3. One vec4 load of each feeds 16 multiply-adds.
var<workgroup> tileA: array<vec4f, BK * WG>;
var<workgroup> tileB: array<vec4f, BK * WG>;

fn opA(a0: u32, row: u32, kk: u32) -> f32 {
  if (row >= p.m || kk >= p.k) { return 0.0; }  // zero padding past the edges
  return a[a0 + select(row * p.k + kk, kk * p.m + row, (p.flags & TRANS_A) != 0u)];
}

fn opB(b0: u32, kk: u32, col: u32) -> f32 {
  if (kk >= p.k || col >= p.n) { return 0.0; }
  return b[b0 + select(kk * p.n + col, col * p.k + kk, (p.flags & TRANS_B) != 0u)];
}

@compute @workgroup_size(WG, WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let tx = lid.x;
  let ty = lid.y;
  let t = ty * WG + tx;
  let row0 = wg.y * TS;
  let col0 = wg.x * TS;
  let run = wg.z;
  let a0 = run * p.stride_a;
  let b0 = run * p.stride_b;
  let c0 = run * p.stride_c;

  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var k0 = 0u; k0 < p.k; k0 += BK) {
    // Each thread stages BK / WG entries of each slab. Loader roles: for A, consecutive
    // threads walk k (contiguous in untransposed A); for B, columns (contiguous in untransposed B).
    for (var e = t; e < BK * WG; e += WG * WG) {
      let aK = e % BK;
      let ar = row0 + (e / BK) * 4u;
      tileA[aK * WG + e / BK] = vec4f(opA(a0, ar, k0 + aK), opA(a0, ar + 1u, k0 + aK), opA(a0, ar + 2u, k0 + aK), opA(a0, ar + 3u, k0 + aK));
      let bG = e % WG;
      let kb = e / WG;
      let bc = col0 + bG * 4u;
      tileB[kb * WG + bG] = vec4f(opB(b0, k0 + kb, bc), opB(b0, k0 + kb, bc + 1u), opB(b0, k0 + kb, bc + 2u), opB(b0, k0 + kb, bc + 3u));
    }
    workgroupBarrier();
    for (var kk = 0u; kk < BK; kk++) {
      let av = tileA[kk * WG + ty];
      let bv = tileB[kk * WG + tx];
      acc0 = fma(vec4f(av.x), bv, acc0);
      acc1 = fma(vec4f(av.y), bv, acc1);
      acc2 = fma(vec4f(av.z), bv, acc2);
      acc3 = fma(vec4f(av.w), bv, acc3);
    }
    workgroupBarrier();
  }

  let acc = array<vec4f, 4>(acc0, acc1, acc2, acc3);
  for (var r = 0u; r < 4u; r++) {
    let row = row0 + ty * 4u + r;
    if (row >= p.m) { break; }
    for (var q = 0u; q < 4u; q++) {
      let col = col0 + tx * 4u + q;
      if (col >= p.n) { break; }
      var v = acc[r][q];
      if ((p.flags & BIAS) != 0u) { v += bias[run * p.stride_bias + col]; }
      if ((p.flags & RELU) != 0u) { v = max(v, 0.0); }
      let i = row * p.n + col;
      // The mask is an activation shaped like C: dense per run.
      if ((p.flags & MASK) != 0u) { v = select(0.0, v, mask[run * p.m * p.n + i] > 0.0); }
      c[c0 + i] = v;
    }
  }
}
