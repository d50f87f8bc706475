#!/usr/bin/env node
// The losslab CLI: the bundle built by `npm run build` (vite, SSR) from src/cli.ts.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(bundle)) {
  console.error('losslab: not built yet. Run `npx turbo run build` (or `npm run build`) in the repository root first.');
  process.exit(2);
}
await import(bundle);
