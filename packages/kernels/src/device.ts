/**
 * One place that hands out a GPUDevice, in Node (Dawn, installed by `./node.ts`) and in a
 * browser (navigator.gpu). It asks for the limits the project needs explicitly and describes
 * the adapter it got, so every run can say where it ran.
 */

/** Limits LossLab relies on; requested explicitly (clamped to what the adapter has). */
export const REQUIRED_LIMITS = {
  maxStorageBufferBindingSize: 128 * 1024 * 1024,
  maxBufferSize: 256 * 1024 * 1024,
  maxComputeWorkgroupStorageSize: 16384,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupSizeY: 256,
  maxStorageBuffersPerShaderStage: 8,
} as const;

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** true for software / fallback adapters (SwiftShader, lavapipe). */
  isFallbackAdapter: boolean;
  isSoftware: boolean;
  /** 'node' through Dawn, or 'browser'. */
  runtime: 'node' | 'browser';
  features: string[];
  limits: Record<string, number>;
}

export interface LossLabDevice {
  device: GPUDevice;
  adapter: AdapterDescription;
  hasTimestampQuery: boolean;
}

/** Thrown when no usable adapter exists; the message says what is missing and how to fix it. */
export class NoAdapterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoAdapterError';
  }
}

/** The GPU entry point: navigator.gpu in a browser, the Dawn instance `node.ts` installed in Node. */
export function gpuEntry(): GPU | undefined {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  return (globalThis as { __losslabGpu?: GPU }).__losslabGpu;
}

const SOFTWARE_NAMES = /llvmpipe|lavapipe|swiftshader|software|cpu/i;

export function describeAdapter(adapter: GPUAdapter, runtime: 'node' | 'browser'): AdapterDescription {
  const info = adapter.info ?? ({} as GPUAdapterInfo);
  const isFallback = Boolean((info as { isFallbackAdapter?: boolean }).isFallbackAdapter ??
    (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter);
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`;
  const limits: Record<string, number> = {};
  for (const key of Object.keys(REQUIRED_LIMITS)) limits[key] = Number((adapter.limits as unknown as Record<string, number>)[key]);
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: isFallback,
    isSoftware: isFallback || SOFTWARE_NAMES.test(text),
    runtime,
    features: [...adapter.features].sort(),
    limits,
  };
}

export function formatAdapter(a: AdapterDescription): string {
  const name = [a.vendor, a.architecture, a.device || a.description].filter(Boolean).join(' / ');
  return `${name || 'unknown adapter'} (${a.runtime}${a.isSoftware ? ', software' : ''}${a.isFallbackAdapter ? ', fallback' : ''})`;
}

export interface RequestDeviceOptions {
  powerPreference?: GPUPowerPreference;
  /** Hint used in error messages (Node sets it to the adapter it tried). */
  tried?: string;
}

/** Requests an adapter and a device with the project's limits. Throws NoAdapterError if none. */
export async function requestDevice(options: RequestDeviceOptions = {}): Promise<LossLabDevice> {
  const gpu = gpuEntry();
  const runtime = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu ? 'browser' : 'node';
  if (!gpu) {
    throw new NoAdapterError(
      runtime === 'browser'
        ? 'This browser has no WebGPU (navigator.gpu is missing). Use Chromium ≥ 113; headless Chromium needs --enable-unsafe-webgpu.'
        : 'WebGPU is not installed in this Node process: import "@losslab/kernels/node" and call installNodeWebGPU() first.',
    );
  }
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  if (!adapter) {
    throw new NoAdapterError(
      runtime === 'browser'
        ? 'navigator.gpu.requestAdapter() returned null. Headless Chromium needs --enable-unsafe-webgpu (and --ignore-gpu-blocklist).'
        : `No WebGPU adapter found${options.tried ? ` (tried: ${options.tried})` : ''}. LossLab needs a Vulkan driver: ` +
          'without a GPU that is Mesa ≥ 25 lavapipe (Debian 12\'s own Mesa 22 is rejected by Dawn). Fix: `sudo bash scripts/setup.sh` ' +
          '(adds bookworm-backports and installs mesa-vulkan-drivers), or on another distribution install Mesa ≥ 25\'s Vulkan drivers. ' +
          'Check with LOSSLAB_ADAPTER=lavapipe or LOSSLAB_ADAPTER=swiftshader (needs Debian\'s chromium).',
    );
  }
  const requiredLimits: Record<string, number> = {};
  for (const [key, want] of Object.entries(REQUIRED_LIMITS)) {
    const have = Number((adapter.limits as unknown as Record<string, number>)[key]);
    requiredLimits[key] = Math.min(want, have);
  }
  const hasTimestampQuery = adapter.features.has('timestamp-query');
  const device = await adapter.requestDevice({
    requiredLimits,
    requiredFeatures: hasTimestampQuery ? ['timestamp-query'] : [],
  });
  return { device, adapter: describeAdapter(adapter, runtime), hasTimestampQuery };
}
