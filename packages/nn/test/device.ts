import { requestDevice, kernelContext, type KernelContext } from '@losslab/kernels';

let pending: ReturnType<typeof requestDevice> | undefined;
export async function testDevice(): Promise<{ device: GPUDevice; ctx: KernelContext }> {
  pending ??= requestDevice();
  const d = await pending;
  return { device: d.device, ctx: kernelContext(d.device) };
}
