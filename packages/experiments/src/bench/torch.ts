/** Runs the PyTorch reference (reference/torch_train.py) for one epoch and returns its timing. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const TORCH_SCRIPT = fileURLToPath(new URL('../../reference/torch_train.py', import.meta.url));
export const PYTHON = process.env.LOSSLAB_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

export interface TorchEpoch {
  train_seconds: number;
  step_ms: number;
  steps: number;
  train_loss: number;
}

export function torchAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const p = spawn(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' });
    p.on('error', () => resolve(false));
    p.on('exit', (code) => resolve(code === 0));
  });
}

export function torchEpoch(dataDir: string, opts: { batch: number; threads: number; maxSteps?: number; arch?: string }): Promise<TorchEpoch> {
  const script = existsSync(TORCH_SCRIPT) ? TORCH_SCRIPT : fileURLToPath(new URL('../reference/torch_train.py', import.meta.url));
  const args = [script, '--data-dir', dataDir, '--epochs', '1', '--batch', String(opts.batch), '--threads', String(opts.threads), '--no-eval', '--json'];
  if (opts.maxSteps) args.push('--max-steps', String(opts.maxSteps));
  if (opts.arch && opts.arch !== 'convnet') args.push('--arch', opts.arch); // the script's default is the ConvNet
  return new Promise((resolve, reject) => {
    const p = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`PyTorch reference failed (exit ${code}): ${err.trim().split('\n').pop()}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as TorchEpoch);
    });
  });
}
