/**
 * Before training: is there WebGPU, which adapter, and does the chosen study fit its limits? Each
 * answer is one sentence saying what to do, shown before anything starts (never a failure midway).
 */
import { REQUIRED_LIMITS } from '@losslab/kernels';
import type { DatasetSpec } from '@losslab/experiments/browser';
import type { TrainConfig } from './config.ts';

export type AdapterCheck = { ok: true; adapter: GPUAdapter; name: string; limits: Record<string, number> } | { ok: false; message: string };

export const NO_WEBGPU = 'This browser has no WebGPU: open the page in Chrome or Edge 113 or newer (on Linux, Chrome started with --enable-unsafe-webgpu), or train with the CLI (npx losslab run).';
export const NO_ADAPTER = 'WebGPU is there but gave no adapter (blocked or no usable GPU driver): enable hardware acceleration in the browser\'s settings or chrome://flags/#enable-unsafe-webgpu, update the GPU driver, or train with the CLI (npx losslab run).';

/** The adapter's name as people know it: description, else vendor and device. */
export function adapterName(info: Partial<GPUAdapterInfo> | undefined, fallback = false): string {
  const parts = [info?.description || [info?.vendor, info?.architecture, info?.device].filter(Boolean).join(' ')].filter(Boolean);
  return `${parts[0] || 'unnamed adapter'}${fallback ? ' (software)' : ''}`;
}

export async function checkWebGpu(gpu: GPU | undefined = (globalThis.navigator as Navigator | undefined)?.gpu): Promise<AdapterCheck> {
  if (!gpu) return { ok: false, message: NO_WEBGPU };
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (!adapter) return { ok: false, message: NO_ADAPTER };
  const limits: Record<string, number> = {};
  for (const k of Object.keys(REQUIRED_LIMITS)) limits[k] = Number((adapter.limits as unknown as Record<string, number>)[k]);
  const fallback = Boolean((adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? adapter.info?.isFallbackAdapter);
  return { ok: true, adapter, name: adapterName(adapter.info, fallback), limits };
}

const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

/** Bytes the study keeps on the device for its images (uint8, training and test sets). */
export function imageBytes(config: Pick<TrainConfig, 'trainSubset'>, spec: DatasetSpec): number {
  const per = spec.channels * spec.height * spec.width;
  return ((config.trainSubset ?? spec.trainSize) + spec.testSize) * per;
}

/**
 * Why the study cannot run on an adapter with these limits, in one sentence, or null. The
 * kernels need REQUIRED_LIMITS' workgroup sizes; the images live in two buffers per split, each
 * at most the adapter's binding size.
 */
export function limitsProblem(limits: Record<string, number>, config: Pick<TrainConfig, 'trainSubset' | 'batchSize'>, spec: DatasetSpec): string | null {
  for (const k of ['maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupStorageSize', 'maxStorageBuffersPerShaderStage'] as const) {
    if (!(limits[k] >= REQUIRED_LIMITS[k])) return `This adapter's ${k} is ${limits[k]}, below the ${REQUIRED_LIMITS[k]} the kernels need: use another GPU or browser, or the CLI (npx losslab run).`;
  }
  const per = spec.channels * spec.height * spec.width;
  const binding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const perChunk = Math.floor(binding / per);
  const train = config.trainSubset ?? spec.trainSize;
  if (train > 2 * perChunk || spec.testSize > 2 * perChunk) {
    return `The ${train.toLocaleString('en-US')} training images (${mb(train * per)}) need two buffers of at most ${mb(binding)} each on this adapter: train on at most ${(2 * perChunk).toLocaleString('en-US')} images, or use the CLI.`;
  }
  return null;
}
