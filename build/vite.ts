/**
 * Build and resolve settings shared by every package's vite/vitest config.
 *
 * Inside the monorepo the packages resolve each other's TypeScript sources through the
 * `losslab-source` export condition (tests and dev servers need no build step in between);
 * everyone else (plain Node, other bundlers) gets `default` → dist/. tsconfig.base.json names the
 * same condition in `customConditions` for the type checker.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { defaultClientConditions, defaultServerConditions, type Plugin, type UserConfig } from 'vite';

export const SOURCE_CONDITION = 'losslab-source';

/** Resolve settings that make vite/vitest read workspace packages from their sources. */
export const sourceResolve = {
  resolve: { conditions: [SOURCE_CONDITION, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions] } },
} satisfies UserConfig;

interface PackageJson {
  name: string;
  exports: Record<string, Record<string, string> | string>;
  dependencies?: Record<string, string>;
}

/** The source file behind each export subpath: the build's entries (a new export = a new entry, no list to keep). */
export function sourceEntries(pkg: PackageJson, dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const target of Object.values(pkg.exports)) {
    const src = typeof target === 'string' ? undefined : target[SOURCE_CONDITION];
    if (!src || !/\.ts$/.test(src)) continue;
    entries[src.replace(/^\.\//, '').replace(/\.ts$/, '')] = resolve(dir, src);
  }
  return entries;
}

/** `x.wgsl` becomes `x.wgsl.js` (its text as the default export), never colliding with a `x.ts` beside it. */
const outputName = (chunk: { facadeModuleId: string | null }) =>
  /\.wgsl(\?|$)/.test(chunk.facadeModuleId ?? '') ? '[name].wgsl.js' : '[name].js';

/**
 * A library build of the package in `dir` for plain Node and bundlers: ESM, one output file per
 * source module (dist/<same path>.js, beside tsc's .d.ts), `.wgsl?raw` imports inlined as strings,
 * dependencies and Node built-ins left as imports.
 */
export function libraryConfig(dir: string): UserConfig {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
  const deps = Object.keys(pkg.dependencies ?? {});
  const external = (id: string) =>
    id.startsWith('node:') || builtinModules.includes(id) || deps.some((d) => id === d || id.startsWith(`${d}/`));
  return {
    root: dir,
    logLevel: 'warn',
    plugins: [declarationsImportJs(join(dir, 'dist'))],
    build: {
      outDir: 'dist',
      emptyOutDir: false, // tsc writes the .d.ts files there first
      target: 'node20',
      ssr: true,
      sourcemap: false, // the sources are not shipped
      minify: false,
      rollupOptions: {
        input: sourceEntries(pkg, dir),
        external,
        output: { format: 'es', preserveModules: true, preserveModulesRoot: dir, entryFileNames: outputName },
      },
    },
  };
}

/** tsc keeps the sources' `./x.ts` specifiers in .d.ts files; installed packages ship `./x.d.ts` beside `./x.js`. */
function declarationsImportJs(outDir: string): Plugin {
  return {
    name: 'losslab-declarations-import-js',
    closeBundle() {
      for (const f of readdirSync(outDir, { recursive: true, encoding: 'utf8' })) {
        if (!f.endsWith('.d.ts')) continue;
        const text = readFileSync(join(outDir, f), 'utf8');
        const fixed = text.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2');
        if (fixed !== text) writeFileSync(join(outDir, f), fixed);
      }
    },
  };
}
