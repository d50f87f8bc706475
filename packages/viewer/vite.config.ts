import { defineConfig } from 'vite';
import { sourceResolve } from '../../build/vite.ts';

export default defineConfig({
  ...sourceResolve,
  // Relative asset paths: the built app also works as plain static files (file:// or any server).
  base: './',
  // The kernels' test modules read this at import; the kernel-check page runs no golden cases.
  define: { __LOSSLAB_GOLDEN_DIR__: JSON.stringify('') },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1000 },
  logLevel: 'warn',
});
