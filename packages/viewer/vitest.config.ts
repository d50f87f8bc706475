import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    passWithNoTests: false,
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // e2e starts a browser: one file at a time on a small machine.
    fileParallelism: false,
  },
});
