// A short real run (one epoch on a 512-image subset, the real engine on the WebGPU adapter) when the
// data set folder is set, as CI does; it checks the files the run writes.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { decodeSafetensors } from '../src/export/safetensors.ts';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../src/program.ts';
import { read, readJson } from './helpers/study.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();
const engineThere = existsSync(new URL('../src/engine/gpu-engine.ts', import.meta.url));
const torchThere = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

if (!process.env.CIFAR10_DIR) console.warn('real-data: short run on the real CIFAR-10 SKIPPED — set CIFAR10_DIR to the cifar-10-batches-bin folder');
describe.skipIf(!process.env.CIFAR10_DIR || !engineThere)('a short run on the real CIFAR-10 (CIFAR10_DIR)', () => {
  it('trains one epoch on a subset and writes the study files', async () => {
    const out = join(await tmp(), 'real');
    const log = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const code = await main(['node', 'losslab', 'run', '--losses', 'ce', '--seeds', '0', '--epochs', '1', '--train-subset', '512', '--batch-size', '64', '--out', out, '--json']).finally(() => log.mockRestore());
    expect(code).toBe(0);
    const study = await readJson(out, 'study.json');
    expect(study).toMatchObject({ status: 'done', classNames: expect.arrayContaining(['airplane']) });
    expect(study.adapter).not.toBeNull();
    const csv = (await read(out, 'seed_0/CE_results.csv')).trim().split('\n');
    expect(csv[0]).toBe('epoch,train_loss,train_acc,test_loss,test_acc,f1,test_nll,ece,lr,seconds');
    const row = csv[1].split(',').map(Number);
    expect(row[0]).toBe(1);
    expect(row.every(Number.isFinite)).toBe(true);
    expect(row[4]).toBeGreaterThan(0.1); // better than chance after one epoch
    const final = await readJson(out, 'seed_0/CE_final.json');
    expect(final.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(10_000);
    expect(final.perClass.map((c: { support: number }) => c.support)).toEqual(new Array(10).fill(1000));

    // The trained weights leave LossLab: exported, read back, and (with PyTorch) the same test accuracy.
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await main(['node', 'losslab', 'export', out]).finally(() => err.mockRestore())).toBe(0);
    const file = join(out, 'seed_0/CE_weights.safetensors');
    const { tensors, metadata } = decodeSafetensors(new Uint8Array(await readFile(file)));
    expect(tensors.map((t) => t.name)).toContain('fc2.weight');
    expect(metadata).toMatchObject({ arch: 'convnet', epoch: '1', status: 'done' });
    if (!torchThere) {
      console.warn('SKIPPED: loading the export into PyTorch (/usr/bin/python3 has no torch)');
      return;
    }
    const check = fileURLToPath(new URL('../reference/check_export.py', import.meta.url));
    const py = JSON.parse(execFileSync('/usr/bin/python3', [check, '--weights', file, '--data-dir', process.env.CIFAR10_DIR!]).toString());
    expect(py).toMatchObject({ arch: 'convnet', tensors: tensors.length, n: 10_000 });
    // float32 on two implementations: a prediction at a near-tie may flip; at most 2 of 10,000.
    expect(Math.abs(py.test_acc - row[4])).toBeLessThanOrEqual(2e-4);
  }, 600_000);
});
