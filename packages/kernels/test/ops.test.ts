// The op tables, run in Node (Dawn) and in headless Chromium (vitest browser mode) alike.
import { describe, expect, it, beforeAll } from 'vitest';
import { testDevice } from './device.ts';
import { runCase, describeResult, type OpCase } from './tables.ts';
import { tableCases, randomCases, fixtureCases, loadGoldenCases } from './cases.ts';
import { GOLDEN_DIR, GOLDEN_SKIP_MESSAGE } from './golden.ts';
import { registeredOps } from '../src/index.ts';
import { formatAdapter } from '../src/device.ts';

const fixture: OpCase[] = await fixtureCases();
const golden: OpCase[] | null = await loadGoldenCases();
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

function pytorchSuite(cases: OpCase[]) {
  it('has a registered op for every case', () => {
    expect(cases.length).toBeGreaterThan(0);
    const missing = [...new Set(cases.map((c) => c.op))].filter((op) => !registeredOps().includes(op));
    expect(missing, `ops without a kernel: ${missing.join(', ')}`).toEqual([]);
  });
  for (const c of cases) it(c.name, check(c));
}

describe('PyTorch cases (test/fixtures/ops.json)', () => pytorchSuite(fixture));

if (golden) describe(`golden PyTorch cases (${GOLDEN_DIR}/ops.json, optional cross-check)`, () => pytorchSuite(golden));
else {
  console.warn(`[kernels] golden cross-check skipped: ${GOLDEN_SKIP_MESSAGE}`);
  describe.skip(`golden PyTorch cases: ${GOLDEN_SKIP_MESSAGE}`, () => it('ops.json', () => {}));
}
