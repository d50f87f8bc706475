/** What study.json records about the software: versions and the git commit (null outside a checkout). */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import pkg from '../../package.json' with { type: 'json' };

function packageVersion(name: string): string | null {
  try {
    return (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}

export function gitCommit(cwd = process.cwd()): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || null;
  } catch {
    return null;
  }
}

export function versions(): Record<string, string | null> {
  return { losslab: pkg.version, node: process.version, webgpu: packageVersion('webgpu') };
}
