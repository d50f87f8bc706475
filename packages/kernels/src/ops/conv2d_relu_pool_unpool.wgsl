// The conv-output gradient of the fused conv + ReLU + 2×2/2 max pool at full resolution (for the
// input gradient): one invocation per 2×2 cell and channel group writes the pooled gradient at
// the argmax position, 0 elsewhere, in masked windows and in floor-mode leftovers.

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let per = p.ch * p.cw;
  let i = gid.x + gid.y * p.row;
  if (i >= p.n * p.cogs * per) { return; }
  let ng = i / per;
  let r = i - ng * per;
  let n = ng / p.cogs;
  let cog = ng - n * p.cogs;
  let cy = r / p.cw;
  let cx = r - cy * p.cw;
  let pooled = cy < p.ph && cx < p.pw;
  let phw = p.ph * p.pw;
  let o = min(cy, p.ph - 1u) * p.pw + min(cx, p.pw - 1u);
  let word = select(0xffffffffu, arg[(n * p.cogs + cog) * phw + o], pooled);
  let ny = min(2u, p.oh - cy * 2u);
  let nx = min(2u, p.ow - cx * 2u);
  for (var j = 0u; j < 4u; j++) {
    let co = cog * 4u + j;
    if (co >= p.cout) { break; }
    let at = (word >> (8u * j)) & 255u;
    let g = gy[(n * p.cout + co) * phw + o];
    let corner = ((n * p.cout + co) * p.oh + cy * 2u) * p.ow + cx * 2u;
    for (var ty = 0u; ty < ny; ty++) {
      for (var tx = 0u; tx < nx; tx++) {
        dy[corner + ty * p.ow + tx] = select(0.0, g, at == ty * 2u + tx);
      }
    }
  }
}
