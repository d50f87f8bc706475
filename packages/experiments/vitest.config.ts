import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.ts';

// The CLI's build settings (its `define` included: selftest bundles the kernels' test modules), plus the tests.
export default mergeConfig(viteConfig, defineConfig({ test: { include: ['test/**/*.test.ts'], passWithNoTests: false } }));
