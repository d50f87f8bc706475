import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.ts';

// The CLI's build settings (its `define` included: selftest bundles the kernels' test modules), plus the tests.
export default mergeConfig(viteConfig, defineConfig({
  // 30 s: several tests run real CLI processes and a loaded 2-core machine can stretch a 1 s test past vitest's 5 s default.
  test: { include: ['test/**/*.test.ts'], passWithNoTests: false, testTimeout: 30_000 },
}));
