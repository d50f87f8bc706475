// Builds one training batch on the device from uint8 CHW images (C ≤ 4 channels, H×W with W a
// multiple of 4, shape in the uniforms): gather by the epoch's
// permutation, random crop from the zero-padded image, random horizontal flip, normalise.
// Nothing is augmented on the CPU, and the randomness comes from sample_hash (random.wgsl,
// prepended), so a batch is a pure function of (seed, epoch, position in the epoch's order).
// Lockstep runs: out holds one batch per run; run r uses its own seed, labels and order, so its
// batch is exactly the one it would build alone.
//
// Order of operations, as torchvision's RandomCrop((H, W), padding=pad) -> RandomHorizontalFlip ->
// ToTensor -> Normalize: output (y, x) = padded image at (y + dy, x' + dx) with x' = W - 1 - x when
// flipped; padded pixels are 0 BEFORE normalisation, so they come out as -mean/std.

fn image_word(chunk: u32, idx: u32) -> u32 {
  if (chunk == 0u) { return img0[idx]; }
  return img1[idx];
}

// One invocation per 4 consecutive output pixels of a row: one vec4 store, and the hash is
// evaluated once per 4 pixels rather than per pixel.
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let q = gid.x + gid.y * p.row;
  let words_per_row = p.width / 4u;
  let words_per_plane = p.height * words_per_row;
  let per_run = p.batch * p.words_per_image;
  if (q >= p.runs * per_run) { return; }
  let run = q / per_run;
  let pos = (q % per_run) / p.words_per_image;  // sample within the run's batch
  let r = q % p.words_per_image;
  let c = r / words_per_plane;
  let y = i32((r % words_per_plane) / words_per_row);
  let x0 = i32((r % words_per_row) * 4u);
  let h_px = i32(p.height);
  let w_px = i32(p.width);
  let last_word = i32(words_per_row) - 1;

  let j = step[0] + pos;
  let k = select(j, order[run * p.order_stride + j], p.use_order != 0u);
  let chunk = k / p.images_per_chunk;
  let base = (k % p.images_per_chunk) * p.words_per_image + c * words_per_plane;

  let h = sample_hash(seeds[run], ep.epoch, j);
  let span = 2u * p.pad + 1u;
  let dx = i32(((h >> 16u) * span) >> 16u);
  let dy = i32(((h & 0xffffu) * span) >> 16u);
  let flipped = p.flip != 0u && (pcg_hash(h) >> 31u) == 1u;
  let pad = i32(p.pad);

  // The 4 output pixels read 4 consecutive source bytes of one row (reversed when flipped),
  // which span at most two u32 words: two loads, then bytes masked where the crop leaves the
  // image (zero padding). Rows are whole words, so word indices clamp within the row.
  let sy = y + dy - pad;
  var v = vec4f(p.bias[c]);  // padding: byte 0
  if (sy >= 0 && sy < h_px) {
    let s0 = select(x0, w_px - 4 - x0, flipped) + dx - pad;  // leftmost source column, in [-pad, W + pad - 4]
    let wi = (s0 + 4) / 4 - 1;  // floor(s0 / 4) for s0 >= -4; further left all 4 columns are padding, masked below
    let sh = u32(s0 - wi * 4) * 8u;
    let row = base + u32(sy) * words_per_row;
    let w0 = image_word(chunk, row + u32(clamp(wi, 0, last_word)));
    let w1 = image_word(chunk, row + u32(clamp(wi + 1, 0, last_word)));
    let packed = select((w0 >> sh) | (w1 << (32u - sh)), w0, sh == 0u);
    let bytes = vec4u(packed, packed >> 8u, packed >> 16u, packed >> 24u) & vec4u(0xffu);
    let s = vec4i(s0) + vec4i(0, 1, 2, 3);
    var b = select(vec4u(0u), bytes, (s >= vec4i(0)) & (s < vec4i(w_px)));
    b = select(b, b.wzyx, flipped);  // flipped: output pixel e takes source byte 3 - e
    v = vec4f(b) * p.scale[c] + p.bias[c];
  }
  out[q] = v;
  if (r == 0u && p.write_labels != 0u) { out_labels[q / p.words_per_image] = labels[run * p.label_stride + k]; }
}
