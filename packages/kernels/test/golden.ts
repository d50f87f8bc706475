/**
 * Loads the shared PyTorch reference files (../shared/golden, or LOSSLAB_GOLDEN_DIR) in Node
 * and, through Vite's /@fs route, in the browser. They are required: parity with them is the
 * definition of correct, so a missing folder fails the tests with the path it looked in.
 */
declare const __LOSSLAB_GOLDEN_DIR__: string;

export const GOLDEN_DIR: string = __LOSSLAB_GOLDEN_DIR__;

export async function loadGolden<T = unknown>(file: string): Promise<T> {
  const path = `${GOLDEN_DIR}/${file}`;
  const isBrowser = typeof (globalThis as { window?: unknown }).window !== 'undefined';
  if (isBrowser) {
    const res = await fetch(`/@fs${path}`);
    if (!res.ok) throw new Error(`golden file ${path} not served (HTTP ${res.status}); set LOSSLAB_GOLDEN_DIR`);
    return (await res.json()) as T;
  }
  const fs = await import(/* @vite-ignore */ 'node:fs/promises');
  try {
    return JSON.parse(await fs.readFile(path, 'utf8')) as T;
  } catch (e) {
    throw new Error(`golden file ${path} could not be read (${(e as Error).message}); set LOSSLAB_GOLDEN_DIR to the folder with ops.json and convnet.json`);
  }
}
