// Max-pool backward as a gather (no atomics, overlapping windows handled): one invocation per
// input element visits the windows covering it, recomputes each window's first maximum
// (row-major, strict >, the last NaN wins, as PyTorch's CPU kernel) and adds that window's dy if it is this element.
// Every element of dx is written. relu_mask != 0 also zeroes dx where x <= 0, fusing the
// backward of a ReLU whose output x is.
struct Params { n: u32, c: u32, h: u32, w: u32, kernel: u32, stride: u32, oh: u32, ow: u32, relu_mask: u32, row: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

// Offset (ky * w + kx) of the first maximum of the window starting at `base`.
fn argmax(base: u32) -> u32 {
  var best = 0u;
  var m = x[base];
  for (var ky = 0u; ky < p.kernel; ky++) {
    for (var kx = 0u; kx < p.kernel; kx++) {
      let o = ky * p.w + kx;
      let v = x[base + o];
      if (v > m || v != v) { m = v; best = o; }
    }
  }
  return best;
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
        if (argmax(base) == (iy - wy) * p.w + (ix - wx)) {
          g += dy[(nc * p.oh + oy) * p.ow + ox];
        }
      }
    }
  }
  dx[i] = g;
}
