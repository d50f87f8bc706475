/**
 * dawn.node 0.6.2 frees its instance when JS drops the object create() returned while
 * promises still need it; hot JS loops make V8 drop such dead locals early. This interleaves
 * thousands of dispatch + copy + mapAsync round trips with heavy JS array work, in a helper
 * that keeps no reference to the instance (the crash's trigger), and checks every value.
 */
import { describe, expect, it } from 'vitest';
import { requestNodeDevice } from '../src/node.ts';
import { kernelContext } from '../src/core.ts';
import { reluForward } from '../src/ops/relu.ts';

async function deviceOnly() {
  // Returns only the device: the instance must survive through globalThis alone.
  return (await requestNodeDevice()).device;
}

function heavyJsWork(seed: number): number {
  const a = new Float64Array(20000);
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    a[i] = Math.sin(i * 0.001 + seed);
    s += a[i] * a[i];
  }
  return s;
}

describe('dawn.node instance lifetime', () => {
  it('survives 2000 round trips interleaved with heavy JS work and garbage', async () => {
    const device = await deviceOnly();
    const ctx = kernelContext(device);
    const n = 1024;
    const x = new Float32Array(n);
    const xb = ctx.storage(n * 4, 'x');
    const yb = ctx.storage(n * 4, 'y');
    const d = reluForward(ctx, { x: xb, y: yb, n });
    let checked = 0;
    const t0 = Date.now();
    for (let iter = 0; iter < 2000; iter++) {
      for (let i = 0; i < n; i++) x[i] = ((i * 7 + iter) % 13) - 6;
      device.queue.writeBuffer(xb, 0, x);
      ctx.run([d]);
      const y = await ctx.readF32(yb, n);
      const probe = (iter * 31) % n;
      expect(y[probe]).toBe(Math.max(x[probe], 0));
      checked++;
      heavyJsWork(iter);
      if (iter % 100 === 0) {
        // garbage to provoke collections while maps are in flight
        const junk: number[][] = [];
        for (let k = 0; k < 200; k++) junk.push(new Array(1000).fill(k));
      }
      expect(Date.now() - t0).toBeLessThan(50_000);
    }
    expect(checked).toBe(2000);
  }, 60_000);
});
