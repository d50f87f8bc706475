// Bundles the CLI for Node into one file: workspace packages (TypeScript + .wgsl?raw) and npm packages alike.
import { defineConfig } from 'vite';
import { sourceResolve } from '../../build/vite.ts';

export default defineConfig({
  ...sourceResolve,
  build: {
    ssr: 'src/cli.ts',
    outDir: 'dist',
    target: 'node20',
    sourcemap: true,
    emptyOutDir: false, // beside the library build (vite.lib.config.ts)
    rollupOptions: { output: { entryFileNames: 'cli.js', format: 'es', codeSplitting: false } }, // one file, dynamic imports included
  },
  // Everything is bundled but native bindings: Dawn's, so dist/cli.js runs with only `webgpu` beside it (scripts/gpu),
  // and resvg's (imported on demand by `losslab plot`'s PNG output).
  ssr: { ...sourceResolve.ssr, noExternal: true, external: ['webgpu', '@resvg/resvg-js'] },
  // The kernels' test modules (bundled for `losslab selftest`) name the golden folder at build time in vitest; here, at run time.
  define: { __LOSSLAB_GOLDEN_DIR__: 'process.env.LOSSLAB_GOLDEN_DIR' },
  logLevel: 'warn',
});
