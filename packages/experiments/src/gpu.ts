/** The CLI's device: Dawn in Node, adapter chosen by LOSSLAB_ADAPTER, printed on every run. */
import { requestNodeDevice } from '@losslab/kernels/node';
import { formatAdapter, kernelContext, NoAdapterError, type KernelContext, type LossLabDevice } from '@losslab/kernels';

export async function openDevice(log: (line: string) => void = (l) => console.error(l)): Promise<LossLabDevice & { ctx: KernelContext }> {
  const d = await requestNodeDevice();
  log(`adapter: ${formatAdapter(d.adapter)}`);
  return { ...d, ctx: kernelContext(d.device) };
}

/** Prints a NoAdapterError as one clear message (no Dawn stack trace) and exits 3. */
export function exitOnNoAdapter(e: unknown): never {
  if (e instanceof NoAdapterError) {
    console.error(`losslab: ${e.message}`);
    process.exit(3);
  }
  throw e;
}
