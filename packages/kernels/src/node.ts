/**
 * Node-only entry: installs Dawn (npm `webgpu`) as the WebGPU implementation and chooses the
 * Vulkan driver from LOSSLAB_ADAPTER. Never imported by browser code.
 *
 * dawn.node 0.6.2 frees its instance when JS drops the object `create()` returned, while
 * pending promises still use it (segfaults at the next mapAsync). We therefore keep the
 * instance on globalThis for the life of the process; nothing else may own it.
 */
import { existsSync, mkdtempSync, chmodSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { requestDevice, NoAdapterError, type LossLabDevice } from './device.ts';

export type AdapterChoice = 'auto' | 'lavapipe' | 'swiftshader';
const CHOICES: AdapterChoice[] = ['auto', 'lavapipe', 'swiftshader'];

const ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
const SWIFTSHADER_ICD = ['/usr/lib/chromium/vk_swiftshader_icd.json', '/usr/lib/chromium-browser/vk_swiftshader_icd.json'];

function findIcd(pattern: RegExp): string | undefined {
  for (const dir of ICD_DIRS) {
    if (!existsSync(dir)) continue;
    const hit = readdirSync(dir).find((f) => pattern.test(f));
    if (hit) return join(dir, hit);
  }
  return undefined;
}

export function adapterChoice(value = process.env.LOSSLAB_ADAPTER): AdapterChoice {
  const v = (value ?? 'auto').trim().toLowerCase() || 'auto';
  if (!CHOICES.includes(v as AdapterChoice)) {
    throw new NoAdapterError(`LOSSLAB_ADAPTER=${value} is not one of ${CHOICES.join(', ')}.`);
  }
  return v as AdapterChoice;
}

/** Sets the Vulkan loader's environment for the chosen driver; returns a description of what was tried. */
function selectDriver(choice: AdapterChoice): string {
  if (!process.env.XDG_RUNTIME_DIR || !existsSync(process.env.XDG_RUNTIME_DIR)) {
    // The Vulkan loader complains on every start without it.
    const dir = mkdtempSync(join(tmpdir(), 'losslab-xdg-'));
    chmodSync(dir, 0o700);
    process.env.XDG_RUNTIME_DIR = dir;
  }
  if (choice === 'lavapipe') {
    const icd = findIcd(/^lvp_icd.*\.json$/);
    if (!icd) {
      throw new NoAdapterError(
        'LOSSLAB_ADAPTER=lavapipe but no lavapipe ICD (lvp_icd*.json) was found in ' + ICD_DIRS.join(', ') +
          '. Fix: `sudo bash scripts/setup.sh` (installs Mesa ≥ 25 mesa-vulkan-drivers from bookworm-backports).',
      );
    }
    process.env.VK_ICD_FILENAMES = icd;
    return `lavapipe (${icd})`;
  }
  if (choice === 'swiftshader') {
    const icd = SWIFTSHADER_ICD.find((p) => existsSync(p));
    if (!icd) {
      throw new NoAdapterError(
        'LOSSLAB_ADAPTER=swiftshader but Chromium\'s SwiftShader ICD was not found (' + SWIFTSHADER_ICD.join(', ') +
          '). Fix: `sudo apt-get install chromium`.',
      );
    }
    process.env.VK_ICD_FILENAMES = icd;
    return `swiftshader (${icd})`;
  }
  return process.env.VK_ICD_FILENAMES ? `VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES}` : 'any Vulkan driver';
}

interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

/** Installs Dawn as globalThis.__losslabGpu (once per process) and the WebGPU globals. */
export function installNodeWebGPU(choice: AdapterChoice = adapterChoice()): string {
  const g = globalThis as { __losslabGpu?: GPU; __losslabTried?: string };
  if (g.__losslabGpu) return g.__losslabTried ?? '';
  const tried = selectDriver(choice);
  let dawn: DawnModule;
  try {
    dawn = createRequire(import.meta.url)('webgpu') as DawnModule;
  } catch (e) {
    throw new NoAdapterError(`Could not load Dawn's Node bindings (npm package "webgpu"): ${(e as Error).message}. Fix: run \`npm ci\` in the repository root.`);
  }
  Object.assign(globalThis, dawn.globals);
  g.__losslabGpu = dawn.create([]); // kept alive for the whole process: see the note above
  g.__losslabTried = tried;
  return tried;
}

/** Node: install Dawn if needed and return a device with the project's limits. */
export async function requestNodeDevice(choice: AdapterChoice = adapterChoice()): Promise<LossLabDevice> {
  const tried = installNodeWebGPU(choice);
  return requestDevice({ tried });
}
