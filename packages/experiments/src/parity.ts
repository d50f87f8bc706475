/** `losslab parity --fixture FILE`: replays a PyTorch fixture on the device and prints every error. */
import { readFileSync } from 'node:fs';
import { runParity, formatParity, type ParityFixture } from '@losslab/nn';
import type { LossLabDevice } from '@losslab/kernels';

export async function parityCommand(dev: LossLabDevice, fixturePath: string, arch: string | undefined, log: (s: string) => void): Promise<boolean> {
  let fixture: ParityFixture;
  try {
    fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as ParityFixture;
  } catch (e) {
    throw new Error(`cannot read fixture ${fixturePath}: ${(e as Error).message}`);
  }
  if (!fixture.params || !fixture.input || !fixture.target) throw new Error(`${fixturePath} is not a parity fixture (needs params, input, target; see shared/golden/README.md)`);
  const rows = await runParity(dev.device, fixture, arch);
  log(formatParity(rows));
  const failed = rows.filter((r) => !r.pass);
  log(failed.length ? `parity: ${failed.length} of ${rows.length} quantities past tolerance` : `parity: all ${rows.length} quantities within tolerance`);
  return failed.length === 0;
}
