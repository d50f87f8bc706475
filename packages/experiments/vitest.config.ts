import { defineConfig } from 'vitest/config';
import { sourceResolve } from '../../build/vite.ts';
export default defineConfig({ ...sourceResolve, test: { include: ['test/**/*.test.ts'], passWithNoTests: false } });
