/**
 * The published packages work outside the monorepo: scripts/pack-install.mjs packs kernels, nn and
 * experiments, installs the tarballs into a fresh temp project (npm ci --offline) and trains the
 * ConvNet there with plain `node` (examples/train-synthetic.mjs). Needs the dist/ builds, which
 * `npm test` (turbo) makes first; a bare `vitest run` without them skips this, saying so.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildModel } from '@losslab/nn';
import { useTmp } from '../helpers/tmp.ts';

const root = resolve(import.meta.dirname, '../../../..');
const built = ['kernels', 'nn', 'experiments'].every((p) => existsSync(join(root, 'packages', p, 'dist')));
if (!built) console.warn('package-install: SKIPPED — packages not built (run `npx turbo run build`, or `npm test`)');

describe('npm pack tarballs in a fresh project', () => {
  const tmp = useTmp();
  it.skipIf(!built)('install offline and train, evaluate and save a state dict with plain node', async () => {
    const work = await tmp();
    await promisify(execFile)('node', [join(root, 'scripts/pack-install.mjs'), work], { cwd: root, maxBuffer: 16 << 20 });
    const r = JSON.parse(readFileSync(join(work, 'result.json'), 'utf8'));
    expect(r.steps).toBeGreaterThanOrEqual(300);
    expect(r.lastLoss).toBeLessThan(r.firstLoss / 4); // the loss falls
    expect(r.testAcc).toBeGreaterThan(0.5); // ten classes: chance is 0.1
    expect(r.reloadedTestAcc).toBe(r.testAcc); // a fresh run with the saved state dict evaluates the same
    const state = JSON.parse(readFileSync(r.stateDict, 'utf8'));
    const model = Object.fromEntries(buildModel('convnet').params().map((p) => [p.name, p.shape]));
    expect(Object.fromEntries(Object.entries(state).map(([k, v]) => [k, (v as { shape: number[] }).shape]))).toEqual(model);
    expect(r.cliVersion).toMatch(/\d+\.\d+\.\d+/); // the installed `losslab` bin runs
    expect(Object.keys(r.tarballs).sort()).toEqual(['@losslab/experiments', '@losslab/kernels', '@losslab/nn']);
  }, 300_000);
});
