import { defineConfig } from 'vitest/config';
import { resolve } from 'node:path';
import { sourceResolve } from '../../build/vite.ts';

const goldenDir = resolve(process.env.LOSSLAB_GOLDEN_DIR ?? resolve(__dirname, '../../../shared/golden'));

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
