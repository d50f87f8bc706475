/**
 * Build and resolve settings shared by every package's vite/vitest config.
 *
 * Inside the monorepo the packages resolve each other's TypeScript sources through the
 * `losslab-source` export condition (tests and dev servers need no build step in between);
 * everyone else (plain Node, other bundlers) gets `default` → dist/. tsconfig.base.json names the
 * same condition in `customConditions` for the type checker.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
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
  devDependencies?: Record<string, string>;
}

/** The source file behind each export subpath: the build's entries (a new export = a new entry, no list to keep). */
export function sourceEntries(pkg: PackageJson, dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const target of Object.values(pkg.exports)) {
    // Exports with only the source condition (no `default`) are the monorepo's own (e.g. test tables for the CLI bundle).
    const src = typeof target === 'string' || !target.default ? undefined : target[SOURCE_CONDITION];
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
    plugins: [standaloneDeclarations(dir, pkg)],
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

/**
 * Makes tsc's .d.ts files stand alone for installs:
 *  - `./x.ts` specifiers (kept from the sources) become `./x.js`;
 *  - files naming WebGPU types reference `@webgpu/types` when the package depends on it (its globals);
 *  - types imported from a private workspace package that is only a devDependency (bundled, never
 *    installed) are vendored: its declarations go to dist/vendor/ and the import points there.
 */
function standaloneDeclarations(dir: string, pkg: PackageJson): Plugin {
  const outDir = join(dir, 'dist');
  const webgpu = '@webgpu/types' in (pkg.dependencies ?? {});
  const vendored = Object.keys(pkg.devDependencies ?? {}).filter((d) => d.startsWith('@losslab/'));
  const dtsFiles = () => readdirSync(outDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.d.ts')).map((f) => join(outDir, f));
  return {
    name: 'losslab-standalone-declarations',
    closeBundle() {
      const vendor = new Map<string, string>(); // "name/subpath" → its .d.ts under dist/vendor/
      for (const file of dtsFiles()) {
        const text = readFileSync(file, 'utf8').replace(/(from\s+)(['"])(@losslab\/[^/'"]+)(\/[^'"]*)?\2/g, (m, from: string, q: string, name: string, sub = '') => {
          if (!vendored.includes(name)) return m;
          const key = `${name}${sub}`;
          if (!vendor.has(key)) vendor.set(key, vendorDeclarations(dir, outDir, name, `.${sub}`));
          const rel = relative(dirname(file), vendor.get(key)!).replace(/\.d\.ts$/, '.ts');
          return `${from}${q}${rel.startsWith('.') ? rel : `./${rel}`}${q}`;
        });
        writeFileSync(file, text);
      }
      for (const file of dtsFiles()) {
        let text = readFileSync(file, 'utf8').replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2');
        if (webgpu && /\bGPU[A-Z]?\w*\b/.test(text) && !text.includes('types="@webgpu/types"')) {
          text = `/// <reference types="@webgpu/types" />\n${text}`;
        }
        writeFileSync(file, text);
      }
    },
  };
}

/**
 * Declarations of a workspace package's export and everything it imports, emitted by tsc with that
 * package's own compiler options under dist/vendor/<name>/; returns the export's .d.ts path.
 */
function vendorDeclarations(dir: string, outDir: string, name: string, subpath: string): string {
  const pkgDir = dirname(createRequire(join(dir, 'package.json')).resolve(`${name}/package.json`));
  const exportsMap = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as PackageJson).exports;
  const target = exportsMap[subpath];
  const src = typeof target === 'string' ? target : target?.[SOURCE_CONDITION] ?? target?.default;
  if (!src) throw new Error(`${name} exports no ${subpath}`);
  const parsed = ts.getParsedCommandLineOfConfigFile(join(pkgDir, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!parsed) throw new Error(`${name}: cannot read its tsconfig.json`);
  const vendorDir = join(outDir, 'vendor', name);
  const entry = join(pkgDir, src);
  const program = ts.createProgram([entry], {
    ...parsed.options, noEmit: false, declaration: true, emitDeclarationOnly: true, rootDir: pkgDir, outDir: vendorDir, customConditions: [],
  });
  const result = program.emit();
  const errors = ts.getPreEmitDiagnostics(program).concat(result.diagnostics).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) throw new Error(`${name}${subpath.slice(1)}: ${ts.flattenDiagnosticMessageText(errors[0].messageText, '\n')}`);
  return join(vendorDir, relative(pkgDir, entry)).replace(/\.ts$/, '.d.ts');
}
