// Bundles the CLI for Node: workspace packages (TypeScript + .wgsl?raw) go in, npm packages stay external.
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
  ssr: { noExternal: [/^@losslab\//], external: ['webgpu'] },
  logLevel: 'warn',
});
