/** Runs the kernels' test tables on this browser's WebGPU adapter. */
import { formatAdapter, kernelContext, requestDevice, type AdapterDescription } from '@losslab/kernels';
import { runCase, type CaseResult, type OpCase } from '@losslab/kernels/testing';
import { randomCases, tableCases } from './cases.ts';

export interface CheckRow extends CaseResult {
  source: string;
  maxAbs: number;
  maxRel: number;
  ms: number;
}

export interface CheckRun {
  adapter: AdapterDescription;
  adapterText: string;
  cases: OpCase[];
  run(onResult: (r: CheckRow) => void): Promise<void>;
}

/** Max of finite errors; Infinity when any check has none (missing output, NaN). */
export function worst(results: CaseResult, pick: 'maxAbs' | 'maxRel'): number {
  return results.checks.length ? Math.max(...results.checks.map((c) => c[pick])) : NaN;
}

export async function prepareCheck(): Promise<CheckRun> {
  const { device, adapter } = await requestDevice();
  const ctx = kernelContext(device);
  const cases = [...tableCases(), ...randomCases()];
  return {
    adapter,
    adapterText: formatAdapter(adapter),
    cases,
    async run(onResult) {
      for (const c of cases) {
        const t0 = performance.now();
        const r = await runCase(ctx, c);
        onResult({ ...r, source: c.source ?? 'table', maxAbs: worst(r, 'maxAbs'), maxRel: worst(r, 'maxRel'), ms: performance.now() - t0 });
      }
    },
  };
}
