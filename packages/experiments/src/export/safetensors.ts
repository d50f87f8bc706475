/**
 * The safetensors format (huggingface/safetensors): u64 little-endian N, N bytes of JSON header
 * ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}, padded
 * with spaces to 8 bytes), then the tensors' little-endian bytes. Loaded in PyTorch by
 * `safetensors.torch.load_file`.
 */

export type SafeDtype = 'F32' | 'I64';

export interface SafeTensor {
  name: string;
  dtype: SafeDtype;
  shape: number[];
  data: Float32Array | BigInt64Array;
}

const BYTES: Record<SafeDtype, number> = { F32: 4, I64: 8 };

export function encodeSafetensors(tensors: SafeTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== n) throw new Error(`${t.name}: shape [${t.shape}] holds ${n} values, data has ${t.data.length}`);
    const bytes = n * BYTES[t.dtype];
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of tensors) {
    const b = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength); // little-endian hosts (x86, ARM)
    out.set(b, at);
    at += b.length;
  }
  return out;
}

export function decodeSafetensors(bytes: Uint8Array): { tensors: SafeTensor[]; metadata: Record<string, string> } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8) throw new Error('not a safetensors file (shorter than 8 bytes)');
  const n = Number(v.getBigUint64(0, true));
  if (8 + n > bytes.length) throw new Error(`not a safetensors file (header of ${n} bytes in ${bytes.length})`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { dtype: SafeDtype; shape: number[]; data_offsets: [number, number] }>;
  const { __metadata__: metadata, ...entries } = header as Record<string, unknown>;
  const base = 8 + n;
  const tensors = Object.entries(entries as Record<string, { dtype: SafeDtype; shape: number[]; data_offsets: [number, number] }>).map(([name, e]) => {
    const raw = bytes.slice(base + e.data_offsets[0], base + e.data_offsets[1]);
    if (e.dtype !== 'F32' && e.dtype !== 'I64') throw new Error(`${name}: dtype ${e.dtype} is not read here`);
    const data = e.dtype === 'F32' ? new Float32Array(raw.buffer, 0, raw.length / 4) : new BigInt64Array(raw.buffer, 0, raw.length / 8);
    return { name, dtype: e.dtype, shape: e.shape, data };
  });
  return { tensors, metadata: (metadata ?? {}) as Record<string, string> };
}
