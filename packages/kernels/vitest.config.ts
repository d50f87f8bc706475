import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { sourceResolve } from '../../build/vite.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
// The optional golden cross-check (test/golden.ts): '' when the folder is absent.
const goldenCandidate = resolve(process.env.LOSSLAB_GOLDEN_DIR ?? resolve(repoRoot, '../shared/golden'));
const goldenDir = existsSync(goldenCandidate) ? goldenCandidate : '';
const define = { __LOSSLAB_GOLDEN_DIR__: JSON.stringify(goldenDir) };

// Chromium flags from ../shared/webgpu-without-a-gpu.md: WebGPU on SwiftShader, headless, no network chatter.
export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--ignore-gpu-blocklist',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default defineConfig({
  ...sourceResolve,
  define,
  server: { fs: { allow: goldenDir ? [repoRoot, goldenDir] : [repoRoot] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          setupFiles: ['test/setup.node.ts'],
          testTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.node.test.ts'],
          testTimeout: 120_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: process.env.LOSSLAB_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
