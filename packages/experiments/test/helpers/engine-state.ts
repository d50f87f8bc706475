/** A GPU-engine state file's engine part, made without a device (export tests). */
import { buildModel, numel, ParamStore } from '@losslab/nn';
import type { KernelContext } from '@losslab/kernels';

/** ParamStore without a device: only its layout is used. */
export const layoutOnly = { storage: () => ({}), createBuffer: () => ({}), device: { queue: { writeBuffer() {} } } } as unknown as KernelContext;

/** A GPU-engine state (format 1) for `arch` whose parameter k holds k·10⁴ + i at position i. */
export function engineState(arch: string): { bytes: Uint8Array; store: ParamStore } {
  const store = new ParamStore(layoutOnly, buildModel(arch).params());
  const params = new Float32Array(store.totalFloats).fill(-1); // padding
  store.specs.forEach((s, k) => {
    const at = store.offsets.get(s.name)!;
    for (let i = 0; i < numel(s.shape); i++) params[at + i] = k * 1e4 + i;
  });
  const header = new TextEncoder().encode(JSON.stringify({ format: 1, floats: store.totalFloats, arch }));
  const out = new Uint8Array(4 + header.length + params.byteLength * 2);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  out.set(new Uint8Array(params.buffer), 4 + header.length);
  return { bytes: out, store };
}

