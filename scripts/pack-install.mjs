#!/usr/bin/env node
// Packs @losslab/kernels, nn and experiments (`npm pack`, from their built dist/), installs the
// tarballs into a fresh project outside the monorepo with `npm ci --offline` and runs
// examples/train-synthetic.mjs there with plain `node`, after type-checking a strict TypeScript
// consumer of the packages' .d.ts files (with this repository's tsc and @types/node).
//   node scripts/pack-install.mjs [WORK_DIR]      (after `npx turbo run build`)
// Offline: the fresh project gets a lockfile whose third-party entries are the monorepo's own
// (same versions and integrity hashes), so npm takes every tarball from the cache `npm ci` filled.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const PACKAGES = ['kernels', 'nn', 'experiments'];
const work = resolve(process.argv[2] ?? mkdtempSync(join(tmpdir(), 'losslab-pack-')));
const step = (msg) => console.log(`pack-install: ${msg}`);
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

// 1. tarballs
const tgzDir = join(work, 'tarballs');
const app = join(work, 'app');
mkdirSync(tgzDir, { recursive: true });
mkdirSync(app, { recursive: true });
const tarballs = {};
for (const p of PACKAGES) {
  const dir = join(root, 'packages', p);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (!existsSync(join(dir, 'dist'))) throw new Error(`${pkg.name} is not built (no dist/): run \`npx turbo run build\` first`);
  const [info] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tgzDir], dir));
  tarballs[pkg.name] = { file: info.filename, pkg, files: info.entryCount, bytes: info.size };
  step(`packed ${info.filename} (${info.entryCount} files, ${(info.size / 1024).toFixed(0)} KiB)`);
}

// 2. a lockfile for the fresh project: our tarballs plus the closure of their dependencies, as the monorepo locked them
const mono = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages;
const lock = { '': { name: 'losslab-pack-install', dependencies: {} } };
const spec = (name) => `file:../tarballs/${tarballs[name].file}`;
for (const name of Object.keys(tarballs)) {
  lock[''].dependencies[name] = spec(name);
  const { pkg } = tarballs[name];
  lock[`node_modules/${name}`] = { version: pkg.version, resolved: spec(name), license: pkg.license, bin: pkg.bin, dependencies: pkg.dependencies, optionalDependencies: pkg.optionalDependencies };
}
/** Node's lookup from `from` (a lock path) up to the top level, as npm laid the monorepo out. */
function locate(name, from) {
  for (let at = from; ; at = at.slice(0, Math.max(0, at.lastIndexOf('/node_modules/')))) {
    const key = at ? `${at}/node_modules/${name}` : `node_modules/${name}`;
    if (mono[key]) return key;
    if (!at) throw new Error(`package-lock.json has no ${name} (needed from ${from || 'the root'})`);
  }
}
const queue = Object.values(tarballs).map(({ pkg }) => ({ from: '', deps: { ...pkg.dependencies, ...pkg.optionalDependencies } }));
while (queue.length) {
  const { from, deps } = queue.pop();
  for (const name of Object.keys(deps)) {
    if (tarballs[name]) continue;
    const key = locate(name, from);
    if (lock[key]) continue;
    if (mono[key].link) throw new Error(`${name} is a workspace package that is not packed here`);
    lock[key] = mono[key];
    queue.push({ from: key, deps: { ...mono[key].dependencies, ...mono[key].optionalDependencies } });
  }
}
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'losslab-pack-install', private: true, type: 'module', dependencies: lock[''].dependencies }, null, 2));
writeFileSync(join(app, 'package-lock.json'), JSON.stringify({ name: 'losslab-pack-install', lockfileVersion: 3, requires: true, packages: lock }, null, 2));
step(`installing into ${app} (npm ci --offline, ${Object.keys(lock).length - 1} packages)`);
run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], app);

// 3. the types stand alone: a strict TypeScript consumer (NodeNext, no skipLibCheck) of all three packages
writeFileSync(join(app, 'check.ts'), [
  "import { openDevice, datasetFromArrays, createEngineFactory, runSpecFor, tidyMetrics, buildSummary, type RunSpec, type RunEngine } from '@losslab/experiments';",
  "import { buildModel, stateDictToJson, type StateDict } from '@losslab/nn';",
  "import { kernelContext, type KernelContext } from '@losslab/kernels';",
  "import { requestNodeDevice } from '@losslab/kernels/node';",
  'export async function check(): Promise<string> {',
  "  const spec: RunSpec = runSpecFor({ loss: 'ce' });",
  '  const device = await openDevice();',
  '  const ctx: KernelContext = kernelContext(device.device);',
  '  const split = { images: new Uint8Array(3072), labels: new Uint8Array(1) };',
  '  const run: RunEngine = await createEngineFactory(device, datasetFromArrays({ train: split, test: split })).createRun(spec);',
  '  const sd: StateDict = await run.stateDict!();',
  "  return [stateDictToJson(sd), buildModel(spec.arch).params().length, typeof requestNodeDevice, typeof tidyMetrics, typeof buildSummary, ctx.device.label].join();",
  '}',
].join('\n'));
writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'], typeRoots: [join(root, 'node_modules/@types')] }, files: ['check.ts'] }));
step('tsc on a strict TypeScript consumer (NodeNext, no skipLibCheck)');
execFileSync('node', [join(root, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app, stdio: 'inherit' });

// 4. the CLI the package installs, and the example with plain node, outside the monorepo
const cliVersion = run(join(app, 'node_modules/.bin/losslab'), ['--version'], app).trim();
step(`node_modules/.bin/losslab --version: ${cliVersion}`);
copyFileSync(join(root, 'examples', 'train-synthetic.mjs'), join(app, 'train-synthetic.mjs'));
step('node train-synthetic.mjs');
execFileSync('node', ['train-synthetic.mjs', 'out'], { cwd: app, stdio: 'inherit' });
const result = JSON.parse(readFileSync(join(app, 'out', 'result.json'), 'utf8'));
writeFileSync(join(work, 'result.json'), JSON.stringify({ ...result, stateDict: join(app, result.stateDict), cliVersion, tarballs }, null, 2));
step(`done: train loss ${result.firstLoss.toFixed(3)} → ${result.lastLoss.toFixed(3)} over ${result.steps} steps, test acc ${result.testAcc}; ${join(work, 'result.json')}`);
