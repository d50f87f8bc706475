// Max-pool backward as a gather (no atomics, overlapping windows handled): one invocation per
// input element visits the windows covering it, recomputes each window's first maximum
// (row-major, strict >, the last NaN wins, as PyTorch's CPU kernel) and adds that window's dy if it is this element.
// Every element of dx is written. Entry main_cells is the fast path for stride >= kernel. relu_mask != 0 also zeroes dx where x <= 0, fusing the
// backward of a ReLU whose output x is.

// The window's maximum and its offset (ky * w + kx) from the window start `base`.
struct Best { o: u32, v: f32 }

fn best(base: u32) -> Best {
  var at = 0u;
  var m = x[base];
  for (var ky = 0u; ky < p.kernel; ky++) {
    for (var kx = 0u; kx < p.kernel; kx++) {
      let o = ky * p.w + kx;
      let v = x[base + o];
      if (v > m || v != v) { m = v; at = o; }
    }
  }
  return Best(at, m);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let hw = p.h * p.w;
  let i = gid.x + gid.y * p.row;
  if (i >= p.n * p.c * hw) { return; }
  let nc = i / hw;
  let r = i - nc * hw;
  let iy = r / p.w;
  let ix = r - iy * p.w;
  var g = 0.0;
  let xv = x[i];
  if (p.relu_mask == 0u || xv > 0.0) {
    // Windows oy with oy·s <= iy < oy·s + k, i.e. ceil((iy - k + 1) / s) <= oy <= iy / s.
    let k1 = p.kernel - 1u;
    let oy0 = select(0u, (iy - k1 + p.stride - 1u) / p.stride, iy >= k1);
    let ox0 = select(0u, (ix - k1 + p.stride - 1u) / p.stride, ix >= k1);
    let oy1 = min(iy / p.stride, p.oh - 1u);
    let ox1 = min(ix / p.stride, p.ow - 1u);
    for (var oy = oy0; oy <= oy1; oy++) {
      for (var ox = ox0; ox <= ox1; ox++) {
        let wy = oy * p.stride;
        let wx = ox * p.stride;
        let base = (nc * p.h + wy) * p.w + wx;
        if (best(base).o == (iy - wy) * p.w + (ix - wx)) {
          g += dy[(nc * p.oh + oy) * p.ow + ox];
        }
      }
    }
  }
  dx[i] = g;
}

// Non-overlapping windows (stride >= kernel): the plane is cut into ceil(h/s) × ceil(w/s) cells
// of s × s; one invocation per cell finds its window's argmax once (k·k loads instead of k·k per
// element) and writes the whole cell: dy at the argmax, 0 elsewhere, in floor-mode leftovers
// and in the gaps between windows.
@compute @workgroup_size(64)
fn main_cells(@builtin(global_invocation_id) gid: vec3u) {
  let per = p.ch * p.cw;
  let i = gid.x + gid.y * p.row;
  if (i >= p.n * p.c * per) { return; }
  let nc = i / per;
  let r = i - nc * per;
  let cy = r / p.cw;
  let cx = r - cy * p.cw;
  let y0 = cy * p.stride;
  let x0 = cx * p.stride;
  let corner = (nc * p.h + y0) * p.w + x0;
  var at = 0xffffffffu;  // offset of the winning element within the cell (none: leftover cell)
  var g = 0.0;
  if (cy < p.oh && cx < p.ow) {
    let b = best(corner);
    at = b.o;
    // Only the winner can be nonzero, so the ReLU mask needs just the window maximum.
    g = select(dy[(nc * p.oh + cy) * p.ow + cx], 0.0, p.relu_mask != 0u && !(b.v > 0.0));
  }
  let ny = min(p.stride, p.h - y0);
  let nx = min(p.stride, p.w - x0);
  for (var ty = 0u; ty < ny; ty++) {
    for (var tx = 0u; tx < nx; tx++) {
      let o = ty * p.w + tx;
      dx[corner + o] = select(0.0, g, o == at);
    }
  }
}
