/**
 * The training loop runs outside Node (a browser page trains with it): the run plan, the engine
 * and everything they import — nn, kernels, the data-set descriptors, the variants — import no
 * Node module. Walks the import graph from the engine's source.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { builtinModules } from 'node:module';
import { describe, expect, it } from 'vitest';

const PACKAGES = resolve(__dirname, '../..');
const NODE = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`),
  // npm entries that use Node's globals (Buffer): their browser builds (csv-stringify/browser/esm/…) are fine.
  'csv-stringify', 'csv-stringify/sync', 'csv-parse', 'csv-parse/sync']);

/** Static imports and re-exports of a TypeScript file (type-only ones are erased and skipped). */
function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) if (!m[1]) out.push(m[2]);
  return out;
}

function resolveImport(from: string, spec: string): string | null {
  if (spec.startsWith('@losslab/')) {
    const [, pkg, ...rest] = spec.split('/');
    const entry = rest.length ? join(PACKAGES, pkg, 'src', `${rest.join('/')}.ts`) : join(PACKAGES, pkg, 'src', 'index.ts');
    return existsSync(entry) ? entry : null;
  }
  if (spec.startsWith('.')) return spec.endsWith('?raw') ? null : resolve(dirname(from), spec);
  return null; // a package from npm: checked by name below
}

function nodeImports(entry: string): string[] {
  const seen = new Set<string>();
  const bad: string[] = [];
  const visit = (file: string, via: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of imports(file)) {
      if (NODE.has(spec)) bad.push(`${file.slice(PACKAGES.length + 1)} imports ${spec} (via ${via})`);
      const next = resolveImport(file, spec);
      if (next) visit(next, file.slice(PACKAGES.length + 1));
    }
  };
  visit(entry, 'the entry');
  return bad;
}

describe('the training loop imports nothing from Node', () => {
  it('engine/gpu-engine.ts and all it imports', () => {
    const entry = join(PACKAGES, 'experiments/src/engine/gpu-engine.ts');
    expect(nodeImports(entry)).toEqual([]);
  });
  it('the browser entry (what the Train page imports: the loop and the results format) and all it imports', () => {
    expect(nodeImports(join(PACKAGES, 'experiments/src/browser.ts'))).toEqual([]);
  });
  it('the walk finds a Node import where there is one', () => {
    expect(nodeImports(join(PACKAGES, 'experiments/src/study/runner.ts')).length).toBeGreaterThan(0);
  });
});
