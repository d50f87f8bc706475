import { defineConfig } from 'vitest/config';
import { sourceResolve } from '../../build/vite.ts';

export default defineConfig({
  ...sourceResolve,
  test: {
    passWithNoTests: false,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/system/**'], sequence: { groupOrder: 0 } } },
      // End-to-end checks that keep both cores busy for a minute (packed tarballs, SLURM): after the
      // unit tests, one file at a time, so they never starve the unit tests' timeouts.
      { extends: true, test: { name: 'system', include: ['test/system/**/*.test.ts'], fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
