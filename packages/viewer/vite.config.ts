import { defineConfig } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';
import { sourceResolve } from '../../build/vite.ts';

export default defineConfig({
  ...sourceResolve,
  // One file: scripts and styles inline, so the built app also opens from disk (file://, where
  // Chromium refuses module scripts from other files) and `losslab report` can embed it whole.
  plugins: [viteSingleFile()],
  base: './',
  // The kernels' test modules read this at import; the kernel-check page runs no golden cases.
  define: { __LOSSLAB_GOLDEN_DIR__: JSON.stringify('') },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4000 },
  logLevel: 'warn',
});
