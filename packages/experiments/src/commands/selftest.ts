/**
 * `losslab selftest`: every kernel table case, randomised case (float64 references) and PyTorch
 * fixture case (in the bundle) on this adapter, plus the optional golden cross-check — the same
 * cases and checks the kernel tests run, without vitest. One line per op, each failure with its
 * worst element; exit 1 on any failure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { formatAdapter, registeredOps } from '@losslab/kernels';
import { runCase, describeResult, pytorchCases, type OpCase, type CaseResult, type PytorchOps } from '@losslab/kernels/testing';
import { exitOnNoAdapter, openDevice } from '../gpu.ts';
import { UsageError } from '../util/errors.ts';
import { reportError } from './errors.ts';

interface SelftestFlags { golden?: string; filter?: string; verbose?: boolean }

/** The optional golden cross-check (--golden DIR, else LOSSLAB_GOLDEN_DIR): none when neither is given. */
function loadGolden(dir: string | undefined): OpCase[] {
  if (!dir) return [];
  const file = join(resolve(dir), 'ops.json');
  if (!existsSync(file)) throw new UsageError(`selftest: golden PyTorch cases not found at ${file}`);
  return pytorchCases(JSON.parse(readFileSync(file, 'utf8')) as PytorchOps, 'golden');
}

export interface SelftestSummary {
  cases: number;
  failed: CaseResult[];
  byOp: Map<string, { pass: number; fail: number }>;
}

export async function runSelftest(run: (c: OpCase) => Promise<CaseResult>, cases: OpCase[], log: (l: string) => void, verbose = false): Promise<SelftestSummary> {
  const byOp = new Map<string, { pass: number; fail: number }>();
  const failed: CaseResult[] = [];
  for (const c of cases) {
    const r = await run(c);
    const tally = byOp.get(c.op) ?? { pass: 0, fail: 0 };
    tally[r.pass ? 'pass' : 'fail']++;
    byOp.set(c.op, tally);
    if (!r.pass) failed.push(r);
    if (verbose || !r.pass) log(`  ${r.pass ? 'ok  ' : 'FAIL'} [${c.source ?? 'table'}] ${describeResult(r)}`);
  }
  return { cases: cases.length, failed, byOp };
}

export function registerSelftest(program: Command, setExit: (code: number) => void): void {
  program
    .command('selftest')
    .description('run every kernel table, randomised and golden PyTorch case on this adapter; exit 1 on any failure')
    .option('--golden <dir>', 'also the golden cross-check: a folder with PyTorch values in ops.json (default: LOSSLAB_GOLDEN_DIR)')
    .option('--filter <text>', 'only cases whose name contains this text')
    .option('--verbose', 'one line per case, passing ones too')
    .action(async (o: SelftestFlags) => {
      try {
        const golden = loadGolden(o.golden ?? process.env.LOSSLAB_GOLDEN_DIR);
        const { tableCases, randomCases, fixtureCases } = await import('@losslab/kernels/cases'); // test modules: loaded for this command only
        const all = [...tableCases(), ...randomCases(), ...(await fixtureCases()), ...golden];
        const cases = o.filter ? all.filter((c) => c.name.includes(o.filter!)) : all;
        if (!cases.length) throw new UsageError(`selftest: no case name contains "${o.filter}"`);
        const unknown = [...new Set(cases.map((c) => c.op))].filter((op) => !registeredOps().includes(op));
        const dev = await openDevice(() => undefined).catch(exitOnNoAdapter);
        try {
          const count = (src: string) => cases.filter((c) => c.source === src).length;
          console.log(`selftest on ${formatAdapter(dev.adapter)}: ${cases.length} cases (${count('pytorch')} PyTorch fixtures, ${count('golden')} golden${golden.length ? '' : ': no --golden/LOSSLAB_GOLDEN_DIR'})`);
          const t0 = performance.now();
          const s = await runSelftest((c) => runCase(dev.ctx, c), cases, (l) => console.log(l), o.verbose);
          for (const [op, t] of [...s.byOp].sort(([a], [b]) => a.localeCompare(b))) {
            console.log(`  ${op.padEnd(20)} ${String(t.pass).padStart(4)} passed${t.fail ? `, ${t.fail} FAILED` : ''}`);
          }
          if (unknown.length) console.log(`  ops without a kernel: ${unknown.join(', ')}`);
          const ok = s.failed.length === 0 && unknown.length === 0;
          console.log(`selftest: ${s.cases - s.failed.length}/${s.cases} cases passed in ${((performance.now() - t0) / 1000).toFixed(1)} s — ${ok ? 'OK' : 'FAILED'}`);
          if (!ok) setExit(1);
        } finally {
          dev.device.destroy();
        }
      } catch (e) {
        setExit(reportError('selftest', e));
      }
    });
}
