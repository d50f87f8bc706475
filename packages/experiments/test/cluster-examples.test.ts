// The cluster examples: the Kubernetes Indexed Job is valid against the Kubernetes schema (offline,
// kubernetes-models' compiled validators), covers the grid's cells, and runs the same CLI call as
// examples/slurm-grid.sbatch under scripts/slurm-local.sh.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { resolveConfig } from '../src/config/index.ts';
import { expandGrid } from '../src/study/index.ts';

const root = resolve(import.meta.dirname, '../../..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');
const manifest = () => parse(read('examples/k8s-indexed-job.yaml'));

/** The sbatch file's `losslab run` line as argv, with the variables slurm-local.sh exports (OUT left as $OUT). */
function sbatchCall(): string[] {
  const exported = /^export (PRESET=\S+ GRID=\S+) OUT=/m.exec(read('scripts/slurm-local.sh'));
  expect(exported, 'slurm-local.sh exports PRESET, GRID and OUT').not.toBeNull();
  const env = Object.fromEntries(exported![1].split(' ').map((kv) => kv.split('=')));
  const line = read('examples/slurm-grid.sbatch').split('\n').find((l) => /^node \S+losslab\.js run /.test(l));
  expect(line, 'the sbatch file runs losslab').toBeDefined();
  return line!.split(/\s+/).map((w) => w.replace(/^"\$(\w+)"$/, (_m, v: string) => env[v] ?? `$${v}`));
}

describe('examples/k8s-indexed-job.yaml', () => {
  it('is a valid batch/v1 Job (Kubernetes schema, offline)', () => {
    const job = new Job(manifest());
    expect(() => job.validate()).not.toThrow();
    expect(job.spec?.completionMode).toBe('Indexed');
  });

  it('the validator rejects a broken manifest (the check can fail)', () => {
    const doc = manifest();
    doc.spec.completionMode = 'Sideways';
    doc.spec.template.spec.containers[0].command = 'node losslab.js';
    expect(() => new Job(doc).validate()).toThrow(/completionMode.*allowed values|command must be array/);
  });

  it('runs the SLURM test\'s CLI call, one completion per cell of its grid', async () => {
    const container = manifest().spec.template.spec.containers[0];
    const call = sbatchCall();
    const out = (argv: string[]) => argv[argv.indexOf('--out') + 1];
    expect(out(call)).toBe('$OUT');
    expect(container.command.map((w: string) => (w === out(container.command) ? '$OUT' : w))).toEqual(call);
    const arg = (flag: string) => container.command[container.command.indexOf(flag) + 1];
    const config = await resolveConfig({ preset: arg('--preset'), config: join(root, arg('--config')) });
    expect(manifest().spec.completions).toBe(expandGrid(config).length);
  });
});
