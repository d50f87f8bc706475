/** One device per test worker, in Node (Dawn installed by setup.node.ts) or in Chromium. */
import { requestDevice, type LossLabDevice } from '../src/device.ts';
import { kernelContext, type KernelContext } from '../src/core.ts';

let pending: Promise<LossLabDevice> | undefined;

export async function testDevice(): Promise<LossLabDevice & { ctx: KernelContext }> {
  pending ??= requestDevice();
  const d = await pending;
  return { ...d, ctx: kernelContext(d.device) };
}
