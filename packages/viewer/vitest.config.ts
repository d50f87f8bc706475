import { defineConfig } from 'vitest/config';
import { sourceResolve } from '../../build/vite.ts';

export default defineConfig({
  ...sourceResolve,
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    passWithNoTests: false,
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // e2e starts a browser: one file at a time on a small machine.
    fileParallelism: false,
    // A page under load (two shared cores) can take seconds to redraw: polls wait up to 10 s.
    expect: { poll: { timeout: 10_000 } },
  },
});
