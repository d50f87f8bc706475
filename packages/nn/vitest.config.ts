import { defineConfig } from 'vitest/config';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { sourceResolve } from '../../build/vite.ts';

// The optional golden cross-check (test/parity.test.ts): '' when the folder is absent.
const goldenCandidate = resolve(process.env.LOSSLAB_GOLDEN_DIR ?? resolve(import.meta.dirname, '../../../shared/golden'));
const goldenDir = existsSync(goldenCandidate) ? goldenCandidate : '';

export default defineConfig({
  ...sourceResolve,
  define: { __LOSSLAB_GOLDEN_DIR__: JSON.stringify(goldenDir) },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup.ts'],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
