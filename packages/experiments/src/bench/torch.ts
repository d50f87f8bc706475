/**
 * The bench's PyTorch side: reference/torch_train.py for one epoch (`bench --vs-torch`) and
 * reference/torch_study.py for the default study's runs (`bench --study`), each a Python process
 * printing JSON lines.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunSpec } from '../engine/types.ts';

/** A reference script: beside the sources (reference/), or beside a bundled CLI. */
function referenceScript(name: string): string {
  const source = fileURLToPath(new URL(`../../reference/${name}`, import.meta.url));
  return existsSync(source) ? source : fileURLToPath(new URL(`../reference/${name}`, import.meta.url));
}

export const TORCH_SCRIPT = referenceScript('torch_train.py');
export const TORCH_STUDY_SCRIPT = referenceScript('torch_study.py');
export const PYTHON = process.env.LOSSLAB_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

export interface TorchEpoch {
  train_seconds: number;
  step_ms: number;
  steps: number;
  train_loss: number;
}

export function torchAvailable(modules = 'torch, numpy'): Promise<boolean> {
  return new Promise((resolve) => {
    const p = spawn(PYTHON, ['-c', `import ${modules}`], { stdio: 'ignore' });
    p.on('error', () => resolve(false));
    p.on('exit', (code) => resolve(code === 0));
  });
}

/** Runs a reference script; resolves with its last stdout line parsed as JSON, passing earlier JSON lines to `onLine`. */
function runPython<T>(args: string[], onLine?: (line: Record<string, unknown>) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const p = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    let last = '';
    let err = '';
    p.stdout.on('data', (d) => {
      const lines = (pending + d).split('\n');
      pending = lines.pop()!;
      for (const l of lines.filter((x) => x.trim())) {
        if (last) onLine?.(JSON.parse(last) as Record<string, unknown>);
        last = l;
      }
    });
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('exit', (code) => {
      if (pending.trim()) last = pending;
      if (code !== 0) return reject(new Error(`PyTorch reference failed (exit ${code}): ${err.trim().split('\n').pop()}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`PyTorch reference printed no result line: ${JSON.stringify(last.slice(0, 200))}`));
      }
    });
  });
}

export function torchEpoch(dataDir: string, opts: { batch: number; threads: number; maxSteps?: number; arch?: string }): Promise<TorchEpoch> {
  const args = [TORCH_SCRIPT, '--data-dir', dataDir, '--epochs', '1', '--batch', String(opts.batch), '--threads', String(opts.threads), '--no-eval', '--json'];
  if (opts.maxSteps) args.push('--max-steps', String(opts.maxSteps));
  if (opts.arch && opts.arch !== 'convnet') args.push('--arch', opts.arch); // the script's default is the ConvNet
  return runPython<TorchEpoch>(args);
}

/** torch_study.py's summary line. */
export interface TorchStudy {
  mode: 'runs' | 'vmap';
  runs: number;
  epochs: number;
  train_images: number;
  test_images: number;
  setup_seconds: number;
  train_seconds: number;
  eval_seconds: number;
  /** Run names (`loss_sseed`) trained together: one each for 'runs', by loss for 'vmap'. */
  groups: string[][];
  memory_bytes_per_run: number;
  memory_kind: string;
  threads: number;
  torch: string;
}

export interface TorchStudyOptions {
  mode: 'runs' | 'vmap';
  /** A full grid of losses × seeds sharing everything else (the default study's runs). */
  specs: RunSpec[];
  threads: number;
  /** Training images (a seeded subset of the folder's); 0: all. */
  trainSubset: number;
  /** The first this many test images; 0: all. */
  testSubset: number;
}

/** The study's runs in PyTorch (torch_study.py), one after another or as functorch vmap ensembles grouped by loss. */
export function torchStudy(dataDir: string, o: TorchStudyOptions, onProgress?: (line: string) => void): Promise<TorchStudy> {
  const s = o.specs[0];
  const unique = (xs: (string | number)[]) => [...new Set(xs.map(String))].join(',');
  const args = [
    TORCH_STUDY_SCRIPT, '--data-dir', dataDir, '--mode', o.mode, '--losses', unique(o.specs.map((x) => x.loss)), '--seeds', unique(o.specs.map((x) => x.seed)),
    '--arch', s.arch, '--epochs', String(s.epochs), '--batch', String(s.batchSize), '--lr', String(s.lr), '--momentum', String(s.momentum),
    '--weight-decay', String(s.weightDecay), '--threads', String(o.threads), '--train-subset', String(o.trainSubset), '--test-subset', String(o.testSubset),
    ...(s.nesterov ? ['--nesterov'] : []),
    ...(s.schedule.type === 'multistep' ? ['--milestones', s.schedule.milestones.join(','), '--gamma', String(s.schedule.gamma)]
      : ['--step-size', String(s.schedule.stepSize), '--gamma', String(s.schedule.gamma)]),
  ];
  return runPython<TorchStudy>(args, (l) => typeof l.progress === 'string' && onProgress?.(l.progress));
}
