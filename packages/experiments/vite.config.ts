// Bundles the CLI for Node into one file: workspace packages (TypeScript + .wgsl?raw) and npm packages alike.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    ssr: 'src/cli.ts',
    outDir: 'dist',
    target: 'node20',
    sourcemap: true,
    emptyOutDir: true,
    rollupOptions: { output: { entryFileNames: 'cli.js', format: 'es' } },
  },
  // Everything is bundled but native bindings: Dawn's, so dist/cli.js runs with only `webgpu` beside it (scripts/gpu),
  // and resvg's (loaded only by `losslab plot`).
  ssr: { noExternal: true, external: ['webgpu', '@resvg/resvg-js'] },
  logLevel: 'warn',
});
