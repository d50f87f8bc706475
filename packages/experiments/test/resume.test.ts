/** --resume against damaged folders: missing or short CSVs, damaged status files, leftovers of killed processes. */
import { execFileSync } from 'node:child_process';
import { hostname } from 'node:os';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { preflight, expandGrid, refreshStudy, type Reporter } from '../src/study/index.ts';
import { UsageError } from '../src/util/errors.ts';
import { silentReporter } from '../src/study/reporter.ts';
import { expectSameStudy } from './helpers/compare-studies.ts';
import { read, readJson, runFake, smallConfig } from './helpers/study.ts';
import { useTmp } from './helpers/tmp.ts';

const tmp = useTmp();
const config = smallConfig({ losses: ['ce'], seeds: [0] }); // 4 epochs
const CSV = 'seed_0/CE_results.csv';
const STATUS = 'seed_0/CE_status.json';

/** A folder whose CE run was killed after epoch 3 was committed (status `running`). */
async function killedAt3(): Promise<string> {
  const dir = await tmp();
  await runFake(dir, config, { fake: { failAt: { ce_s0: 4 } } });
  const st = await readJson(dir, STATUS);
  expect(st).toMatchObject({ status: 'failed', epochsDone: 3 });
  await writeFile(join(dir, STATUS), JSON.stringify({ ...st, status: 'running', error: null }));
  return dir;
}

async function uninterrupted(): Promise<string> {
  const dir = await tmp();
  await runFake(dir, config);
  return dir;
}

function recording(): { reporter: Reporter; lines: string[] } {
  const lines: string[] = [];
  return { lines, reporter: { ...silentReporter, info: (l) => lines.push(l) } };
}

describe('--resume checks the CSV against the saved epoch', () => {
  for (const [what, damage] of [
    ['deleted', (dir: string) => rm(join(dir, CSV))],
    ['cut to its header and first row', async (dir: string) => writeFile(join(dir, CSV), (await read(dir, CSV)).split('\n').slice(0, 2).join('\n') + '\n')],
  ] as const) {
    it(`a CSV ${what}: the run is trained again from epoch 1, said so, and no row is lost`, async () => {
      const dir = await killedAt3();
      await damage(dir);
      const { reporter, lines } = recording();
      const [r] = await runFake(dir, config, { resume: true, reporter });
      expect(r.status).toBe('done');
      expect(lines.join('\n')).toMatch(/cannot continue from epoch 3: seed_0\/CE_results.csv: .*training it again from epoch 1/);
      await expectSameStudy(dir, await uninterrupted());
    });
  }
});

describe('damaged status files', () => {
  it('a truncated status JSON: refreshStudy and --resume repair it; without --resume a one-line usage error', async () => {
    const dir = await killedAt3();
    await writeFile(join(dir, STATUS), '{"id": "clean_convnet_ce_s0", "sta');
    await expect(refreshStudy(dir)).resolves.toMatchObject({ name: 'default' }); // keeps the run's last known entry
    const err = await preflight({ config, dir, cells: expandGrid(config), resume: false }).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/CE_status.json is damaged \(not valid JSON\); add --resume/);
    const [r] = await runFake(dir, config, { resume: true });
    expect(r).toMatchObject({ status: 'done', epochsDone: 4 });
    await expectSameStudy(dir, await uninterrupted());
  });
});

describe('a failed resume', () => {
  it('reports the epochs the state holds, not 0', async () => {
    const dir = await killedAt3();
    const [r] = await runFake(dir, config, { resume: true, fake: { loadFails: true } });
    expect(r).toMatchObject({ status: 'failed', epochsDone: 3, error: 'fake engine: cannot load this state' });
    expect(await readJson(dir, STATUS)).toMatchObject({ status: 'failed', epochsDone: 3 });
  });
});

describe('leftovers of killed processes', () => {
  it('temporary files of dead processes on this host are removed; others are kept', async () => {
    const dir = await killedAt3();
    const dead = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).toString());
    const host = hostname().replace(/[^\w.-]/g, '_');
    const left = [`.CE_results.csv.tmp-${host}-${dead}-0badf00d`, `.CE_state.bin.tmp-${host}-${dead}-deadbeef`];
    const foreign = `.CE_state.bin.tmp-another-host-${dead}-deadbeef`;
    for (const f of [...left, foreign]) await writeFile(join(dir, 'seed_0', f), 'partial');
    await writeFile(join(dir, `.study.json.tmp-${host}-${dead}-12345678`), '{');
    await runFake(dir, config, { resume: true });
    expect((await readdir(join(dir, 'seed_0'))).filter((f) => f.startsWith('.'))).toEqual([foreign]);
    expect((await readdir(dir)).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});
