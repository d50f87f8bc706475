// Builds one training batch on the device from the uint8 CIFAR images: gather by the epoch's
// permutation, random crop from the zero-padded image, random horizontal flip, normalise.
// Nothing is augmented on the CPU, and the randomness comes from sample_hash (random.wgsl,
// prepended), so a batch is a pure function of (seed, epoch, position in the epoch's order).
//
// Order of operations, as torchvision's RandomCrop(32, padding=pad) -> RandomHorizontalFlip ->
// ToTensor -> Normalize: output (y, x) = padded image at (y + dy, x' + dx) with x' = 31 - x when
// flipped; padded pixels are 0 BEFORE normalisation, so they come out as -mean/std.
struct Cfg {
  batch: u32,
  images_per_chunk: u32,  // images in img0; image k lives in chunk k / images_per_chunk
  seed: u32,
  pad: u32,               // crop padding; offsets dx, dy uniform in [0, 2*pad]
  flip: u32,              // 1: flip with p = 0.5
  use_order: u32,         // 0: dataset index = position (test set, no permutation)
  write_labels: u32,
  row: u32,               // invocations per grid row (workgroups.x * 256)
  scale: vec4f,           // per channel 1 / (255 * std)
  bias: vec4f,            // per channel -mean / std
}
struct Epoch { epoch: u32 }

// Images: 3x32x32 uint8 CHW records, 768 u32 words each (little-endian bytes), split in two
// bindings because one binding may be limited to 128 MiB (lavapipe) and the set is 153.6 MB.
@group(0) @binding(0) var<storage, read> img0: array<u32>;
@group(0) @binding(1) var<storage, read> img1: array<u32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read> order: array<u32>;
// step[0]: index within `order` of this batch's first sample. A buffer, not a plan constant,
// so every step recorded into one command buffer reads its own value.
@group(0) @binding(4) var<storage, read> step: array<u32>;
@group(0) @binding(5) var<storage, read_write> out: array<vec4f>;  // [batch, 3, 32, 32]
@group(0) @binding(6) var<storage, read_write> out_labels: array<u32>;
@group(0) @binding(7) var<uniform> cfg: Cfg;
@group(0) @binding(8) var<uniform> ep: Epoch;  // written by the host once per epoch

const WORDS_PER_IMAGE: u32 = 768u;

fn image_word(chunk: u32, idx: u32) -> u32 {
  if (chunk == 0u) { return img0[idx]; }
  return img1[idx];
}

// One invocation per 4 consecutive output pixels of a row: one vec4 store, and the hash is
// evaluated once per 4 pixels rather than per pixel.
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let q = gid.x + gid.y * cfg.row;
  if (q >= cfg.batch * WORDS_PER_IMAGE) { return; }
  let pos = q / WORDS_PER_IMAGE;
  let r = q % WORDS_PER_IMAGE;
  let c = r / 256u;
  let y = i32((r % 256u) / 8u);
  let x0 = i32((r % 8u) * 4u);

  let j = step[0] + pos;
  let k = select(j, order[j], cfg.use_order != 0u);
  let chunk = k / cfg.images_per_chunk;
  let base = (k % cfg.images_per_chunk) * WORDS_PER_IMAGE + c * 256u;

  let h = sample_hash(cfg.seed, ep.epoch, j);
  let span = 2u * cfg.pad + 1u;
  let dx = i32(((h >> 16u) * span) >> 16u);
  let dy = i32(((h & 0xffffu) * span) >> 16u);
  let flipped = cfg.flip != 0u && (pcg_hash(h) >> 31u) == 1u;
  let pad = i32(cfg.pad);

  let sy = y + dy - pad;
  var v = vec4f(0.0);
  for (var e = 0; e < 4; e++) {
    let x = x0 + e;
    let sx = select(x, 31 - x, flipped) + dx - pad;
    var byte = 0u;
    if (sx >= 0 && sx < 32 && sy >= 0 && sy < 32) {
      let b = u32(sy * 32 + sx);
      byte = (image_word(chunk, base + b / 4u) >> ((b % 4u) * 8u)) & 0xffu;
    }
    v[e] = f32(byte) * cfg.scale[c] + cfg.bias[c];
  }
  out[q] = v;
  if (r == 0u && cfg.write_labels != 0u) { out_labels[pos] = labels[k]; }
}
