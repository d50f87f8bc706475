import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.ts';

// The CLI's build settings (its `define` included: selftest bundles the kernels' test modules; its
// `losslab-source` resolve conditions), plus the tests: the unit tests, then the end-to-end checks
// that keep both cores busy for a minute (packed tarballs, SLURM), one file at a time, so they never
// starve the unit tests' timeouts.
const merged = mergeConfig(viteConfig, defineConfig({
  test: {
    passWithNoTests: false,
    // 30 s: several tests run real CLI processes and a loaded 2-core machine can stretch a 1 s test past vitest's 5 s default.
    testTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/system/**'], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'system', include: ['test/system/**/*.test.ts'], fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
}));
merged.ssr = { ...merged.ssr, noExternal: undefined };
export default merged;
