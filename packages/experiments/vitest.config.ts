import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.ts';

// The CLI's build settings (its `define` included: selftest bundles the kernels' test modules), plus the tests.
// 30 s per test: small studies take about a second alone, but several times that on two shared cores
// while the child-process tests (kill-resume, processes) run beside them.
export default mergeConfig(viteConfig, defineConfig({ test: { include: ['test/**/*.test.ts'], passWithNoTests: false, testTimeout: 30_000 } }));
