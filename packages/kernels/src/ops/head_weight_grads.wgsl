// The fused head's parameter gradients, summed over the batch from head_forward_backward.wgsl's
// scratch (h, dh, dz, loss and hit per sample): one invocation per 4 rows × 4 columns of dW1
// (H4·K4 of them), then per vec4 of db1 (H4), per vec4 of dW2 (C·H4), and a last one for db2
// and the training statistics (stats += [Σ loss, Σ hits, n], as the loss kernel does).
// Gradients are written (overwritten) into the packed gradient buffer at the head's offsets.
// Lockstep runs: the grid's y is the run; run r sums its own samples (rows r·n … of x and scratch)
// into its gradients p.gStride vec4s after run r−1's, and its statistics at r · STATS_STRIDE.
// Constants prepended by head.ts: K4, H4, C, CQ, S, OG_W1, OG_B1, OG_W2, OG_B2 (vec4s), STATS_STRIDE.
// Bindings (x [R·n, K4], scratch [R·n, S], grads, stats) and the uniforms `p` are declared in head.ts.

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  var t = gid.x;
  let n = p.n;
  let run = gid.y;
  let i0 = run * n;            // the run's first sample
  let gb = run * p.gStride;    // the run's gradients
  if (t < H4 * K4) {
    // dW1 rows 4hq … 4hq + 3, columns 4kq … 4kq + 3: Σ_i dh[i] ⊗ x[i]
    let hq = t / K4;
    let kq = t % K4;
    var a0 = vec4f(0.0);
    var a1 = vec4f(0.0);
    var a2 = vec4f(0.0);
    var a3 = vec4f(0.0);
    for (var i = 0u; i < n; i++) {
      let d = scratch[(i0 + i) * S + H4 + hq];
      let xv = x[(i0 + i) * K4 + kq];
      a0 += d.x * xv;
      a1 += d.y * xv;
      a2 += d.z * xv;
      a3 += d.w * xv;
    }
    let r0 = gb + OG_W1 + 4u * hq * K4 + kq;
    grads[r0] = a0;
    grads[r0 + K4] = a1;
    grads[r0 + 2u * K4] = a2;
    grads[r0 + 3u * K4] = a3;
    return;
  }
  t -= H4 * K4;
  if (t < H4) {
    var a = vec4f(0.0);
    for (var i = i0; i < i0 + n; i++) { a += scratch[i * S + H4 + t]; }
    grads[gb + OG_B1 + t] = a;
    return;
  }
  t -= H4;
  if (t < C * H4) {
    // dW2[c, 4hq … 4hq + 3] = Σ_i dz[i, c] · h[i]
    let c = t / H4;
    let hq = t % H4;
    var a = vec4f(0.0);
    for (var i = i0; i < i0 + n; i++) { a += scratch[i * S + 2u * H4 + c / 4u][c % 4u] * scratch[i * S + hq]; }
    grads[gb + OG_W2 + t] = a;
    return;
  }
  t -= C * H4;
  if (t == 0u) {
    for (var q = 0u; q < CQ; q++) {
      var a = vec4f(0.0);
      for (var i = i0; i < i0 + n; i++) { a += scratch[i * S + 2u * H4 + q]; }
      grads[gb + OG_B2 + q] = a; // entries past C sum zeros: the padding stays zero
    }
    var lossSum = 0.0;
    var hits = 0.0;
    for (var i = i0; i < i0 + n; i++) {
      let v = scratch[i * S + 2u * H4 + CQ];
      lossSum += v.x;
      hits += v.y;
    }
    let st = run * STATS_STRIDE;
    stats[st] += lossSum;
    stats[st + 1u] += hits;
    stats[st + 2u] += f32(n);
  }
}
