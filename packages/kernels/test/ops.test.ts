// The op tables, run in Node (Dawn) and in headless Chromium (vitest browser mode) alike.
import { describe, expect, it, beforeAll } from 'vitest';
import { testDevice } from './device.ts';
import { runCase, describeResult, type OpCase } from './tables.ts';
import { tableCases, randomCases, loadGoldenCases } from './cases.ts';
import { registeredOps } from '../src/index.ts';
import { formatAdapter } from '../src/device.ts';

const golden: OpCase[] = await loadGoldenCases();
beforeAll(async () => {
  const d = await testDevice();
  console.log(`[kernels] adapter: ${formatAdapter(d.adapter)}`);
});

function check(c: OpCase) {
  return async () => {
    const { ctx } = await testDevice();
    const r = await runCase(ctx, c);
    expect(r.pass, describeResult(r)).toBe(true);
  };
}

describe('table cases', () => {
  for (const c of tableCases()) it(c.name, check(c));
});

describe('randomised cases against float64 references', () => {
  for (const c of randomCases()) it(c.name, check(c));
});

describe('golden PyTorch cases (../shared/golden/ops.json)', () => {
  it('has a registered op for every golden case', async () => {
    expect(golden.length).toBeGreaterThan(0);
    const missing = [...new Set(golden.map((c) => c.op))].filter((op) => !registeredOps().includes(op));
    expect(missing, `ops without a kernel: ${missing.join(', ')}`).toEqual([]);
  });
  for (const c of golden) it(c.name, check(c));
});
