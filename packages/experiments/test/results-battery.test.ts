/**
 * The results battery: a finished study, damaged one way per row, read by every command that reads
 * results. No row may give a silent wrong number: a damaged run is named (summary, compare: listed
 * as damaged; export-metrics: exit 1 naming it), a damaged or hostile study.json is refused with one
 * line (exit 2), and no path named in a results file leads outside the study. Adding a case is
 * adding a row.
 */
import { cp, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMain } from './helpers/main.ts';
import { useTmp } from './helpers/tmp.ts';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';

const tmp = useTmp();
const ARGS = ['run', '--losses', 'ce,focal:2', '--seeds', '0', '--epochs', '2'];
let pristine: string;

beforeAll(async () => {
  pristine = join(await mkdtemp(join(tmpdir(), 'losslab-battery-')), 's');
  const r = await runMain([...ARGS, '--out', pristine]);
  expect(r.code, r.err).toBe(0);
  return () => rm(join(pristine, '..'), { recursive: true, force: true });
});

/** A fresh copy of the finished study (2 runs × 2 epochs) and a reference folder for compare. */
async function study(): Promise<{ dir: string; ref: string; root: string }> {
  const root = await tmp();
  const dir = join(root, 's');
  await cp(pristine, dir, { recursive: true });
  const ref = join(root, 'ref');
  await mkdir(ref);
  for (const label of ['ce', 'focal2']) {
    await writeFile(join(ref, `${label}_seed0.csv`), 'epoch,train_loss,train_acc,test_loss,test_acc,f1\n1,1,0.5,1.2,0.1,0.4\n2,1,0.5,1.2,0.4,0.4\n');
  }
  return { dir, ref, root };
}

const edit = (file: string, f: (text: string) => string) => async (dir: string) => writeFile(join(dir, file), f(await readFile(join(dir, file), 'utf8')));
const editStudy = (f: (s: Record<string, any>) => void) => edit('study.json', (t) => {
  const s = JSON.parse(t);
  f(s);
  return JSON.stringify(s);
});
const CSV = 'seed_0/CE_results.csv';

/** Damage to one run's CSV: every reading command names the run, none reads a number from it. */
const CSV_DAMAGE: [string, (dir: string) => Promise<void>, RegExp][] = [
  ['cut to its first row', edit(CSV, (t) => t.split('\n').slice(0, 2).join('\n') + '\n'), /holds rows for epochs \[1\], expected \[1, 2\]/],
  ['cut mid-row', edit(CSV, (t) => t.slice(0, t.length - 30)), /holds rows for epochs \[1\]|not a results CSV/],
  ['garbage', edit(CSV, () => 'PK\u0003\u0004 not,a,csv\n\u0000\u0001\n'), /not a results CSV/],
  ['empty (0 bytes)', edit(CSV, () => ''), /not a results CSV \(no epoch column\)/],
  ['header only', edit(CSV, (t) => t.split('\n')[0] + '\n'), /holds rows for epochs \[\], expected \[1, 2\]/],
  ['missing', (d) => rm(join(d, CSV)), /missing/],
  ['text in a number\'s place', edit(CSV, (t) => t.replace(/\n2,[^,\n]+,[^,\n]+,[^,\n]+,[^,\n]+/, '\n2,1,1,1,high')), /test_acc is not a number/],
  ['an epoch repeated', edit(CSV, (t) => { const l = t.trim().split('\n'); return [l[0], l[1], l[1]].join('\n') + '\n'; }), /holds rows for epochs \[1, 1\]/],
  ['rows of another run (3 epochs)', edit(CSV, (t) => { const l = t.trim().split('\n'); return [...l, l[2].replace(/^2,/, '3,')].join('\n') + '\n'; }), /holds rows for epochs \[1, 2, 3\], expected \[1, 2\]/],
  ['a directory in its place', async (d) => { await rm(join(d, CSV)); await mkdir(join(d, CSV)); }, /cannot be read \(EISDIR\)/],
];

/** What each reading command must say about a damaged CSV. */
const READERS: [string, (d: { dir: string; ref: string; root: string }) => string[], (r: { code: number; out: string; err: string }, dir: string, why: RegExp) => Promise<void>][] = [
  ['summary', ({ dir }) => ['summary', dir, '--quiet'], async (r, dir, why) => {
    expect(r.code, r.err).toBe(0);
    const ce = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')).groups[0].rows.find((x: { loss: string }) => x.loss === 'ce');
    expect(ce.n).toBe(0);
    expect(ce.damaged).toEqual([{ seed: 0, why: expect.stringMatching(why) }]);
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toMatch(/left out: seed 0 \(seed_0\/CE_/);
  }],
  ['compare', ({ dir, ref }) => ['compare', dir, '--reference', ref, '--json'], async (r, _dir, why) => {
    expect(r.code, r.err).toBe(0);
    const ce = JSON.parse(r.out).rows.find((x: { label: string }) => x.label === 'CE');
    expect(ce.losslab).toBeNull();
    expect(ce.damaged).toEqual([{ seed: 0, why: expect.stringMatching(why) }]);
  }],
  ['export-metrics', ({ dir }) => ['export-metrics', dir], async (r, _dir, why) => {
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^losslab export-metrics: left out 1 run whose results are damaged: clean_convnet_ce_s0 \(seed_0\/CE_results.csv: /);
    expect(r.err).toMatch(why);
    expect(r.out.split('\n').filter((l) => l.startsWith('clean_convnet_ce_s0'))).toEqual([]);
    expect(r.out.trim().split('\n')).toHaveLength(1 + 2 * 9); // focal's rows are all there
  }],
  ['run --resume (its closing summary)', ({ dir }) => [...ARGS, '--out', dir, '--resume'], async (r, dir, why) => {
    expect(r.code, r.err).toBe(0);
    const ce = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')).groups[0].rows.find((x: { loss: string }) => x.loss === 'ce');
    expect(ce.damaged).toEqual([{ seed: 0, why: expect.stringMatching(why) }]);
  }],
];

describe('a damaged results CSV, read by every reading command', () => {
  const rows = CSV_DAMAGE.flatMap(([damage, apply, why]) => READERS.map(([cmd, args, check]) => [`${cmd}: CSV ${damage}`, apply, why, args, check] as const));
  it.each(rows)('%s', async (_name, apply, why, args, check) => {
    const s = await study();
    await apply(s.dir);
    const r = await runMain(args(s));
    await check(r, s.dir, why);
  });
});

/** Damage to a finished run's final.json: summary and compare name the run; run --resume finishes it again from its state. */
const FINAL = 'seed_0/CE_final.json';
const FINAL_DAMAGE: [string, (dir: string) => Promise<void>, RegExp][] = [
  ['cut short', edit(FINAL, (t) => t.slice(0, 100)), /CE_final.json: not valid JSON/],
  ['missing', (d) => rm(join(d, FINAL)), /CE_final.json: missing/],
  ['a JSON array', edit(FINAL, () => '[]'), /CE_final.json: not a final.json/],
  ['empty', edit(FINAL, () => ''), /CE_final.json: not valid JSON/],
];

describe('a damaged final.json', () => {
  const rows = FINAL_DAMAGE.flatMap(([damage, apply, why]) => READERS.slice(0, 2).map(([cmd, args, check]) => [`${cmd}: final.json ${damage}`, apply, why, args, check] as const));
  it.each(rows)('%s', async (_name, apply, why, args, check) => {
    const s = await study();
    await apply(s.dir);
    await check(await runMain(args(s)), s.dir, why);
  });

  it.each(FINAL_DAMAGE)('run --resume: final.json %s: the run is finished again from its state, as an uninterrupted one', async (_name, apply) => {
    const s = await study();
    await apply(s.dir);
    const r = await runMain([...ARGS, '--out', s.dir, '--resume']);
    expect(r.code, r.err).toBe(0);
    expect(r.err + r.out).toMatch(/its status is done but seed_0\/CE_final.json: .*; finishing it again from its state file/);
    expect(await readFile(join(s.dir, FINAL), 'utf8')).toBe(await readFile(join(pristine, FINAL), 'utf8'));
  });
});

/** Damage to study.json: every command that reads it refuses the folder with one line, exit 2, and writes nothing. */
const STUDY_DAMAGE: [string, (dir: string) => Promise<void>, RegExp][] = [
  ['format 2', editStudy((s) => void (s.format = 2)), /study.json is not a LossLab study file \(format: must be 1/],
  ['no runs', editStudy((s) => void delete s.runs), /\(runs: /],
  ['runs not a list', editStudy((s) => void (s.runs = 'x')), /\(runs: /],
  ['a run without its csv', editStudy((s) => void delete s.runs[0].csv), /\(runs\.0\.csv: /],
  ['a run with a negative epoch count', editStudy((s) => void (s.runs[0].epochsDone = -1)), /\(runs\.0\.epochsDone: /],
  ['an unknown run status', editStudy((s) => void (s.runs[0].status = 'finished')), /\(runs\.0\.status: /],
  ['garbage', edit('study.json', () => '\u001b[2J{{{'), /study.json is not valid JSON/],
  ['empty', edit('study.json', () => ''), /study.json is not valid JSON/],
  ['a JSON array', edit('study.json', () => '[1, 2]'), /is not a LossLab study file/],
  ['config without epochs', editStudy((s) => void delete s.config.epochs), /\(config\.epochs: /],
];

/** Paths in study.json that lead outside the study: refused, never followed. */
const HOSTILE_PATHS: [string, (dir: string) => Promise<void>, RegExp][] = [
  ['a state file in a sibling study', editStudy((s) => void (s.runs[0].state = '../victim/seed_0/CE_state.bin')), /runs\.0\.state: must be a path inside the study folder/],
  ['a CSV at /etc/passwd', editStudy((s) => void (s.runs[0].csv = '/etc/passwd')), /runs\.0\.csv: must be a path inside the study folder/],
  ['a CSV up four levels', editStudy((s) => void (s.runs[0].csv = '../../../../etc/passwd')), /runs\.0\.csv: must be a path inside the study folder/],
  ['a status file through ..', editStudy((s) => void (s.runs[0].statusFile = 'seed_0/../../victim/x.json')), /runs\.0\.statusFile: must be a path inside/],
  ['a final.json with a backslash', editStudy((s) => void (s.runs[0].final = '..\\..\\x.json')), /runs\.0\.final: must be a path inside/],
  ['a run folder that is a link outside', async (d) => {
    await cp(join(d, 'seed_0'), join(d, '..', 'outside'), { recursive: true });
    await rm(join(d, 'seed_0'), { recursive: true });
    await symlink(join(d, '..', 'outside'), join(d, 'seed_0'));
  }, /leads outside .* \(a link\)/],
];

const STUDY_READERS: [string, (d: { dir: string; ref: string; root: string }) => string[]][] = [
  ['summary', ({ dir }) => ['summary', dir, '--quiet']],
  ['compare', ({ dir, ref }) => ['compare', dir, '--reference', ref]],
  ['export-metrics', ({ dir }) => ['export-metrics', dir]],
  ['export', ({ dir }) => ['export', dir, '--run', 'clean_convnet_ce_s0']],
  ['plot', ({ dir, root }) => ['plot', dir, '--out', join(root, 'figs'), '--format', 'svg']],
  ['report', ({ dir, root }) => ['report', dir, '--out', join(root, 'r.html')]],
  ['run --resume', ({ dir }) => [...ARGS, '--out', dir, '--resume']],
];

/** Every file below `dir` with its bytes (to prove a refused command wrote nothing). */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(join(e.parentPath, e.name), (await readFile(join(e.parentPath, e.name))).toString('base64'));
  }
  return out;
}

describe('a damaged or hostile study.json, read by every command that reads one', () => {
  const rows = [...STUDY_DAMAGE, ...HOSTILE_PATHS].flatMap(([damage, apply, why]) => STUDY_READERS.map(([cmd, args]) => [`${cmd}: ${damage}`, apply, why, args] as const));
  it.each(rows)('%s', async (name, apply, why, args) => {
    const s = await study();
    await mkdir(join(s.root, 'victim/seed_0'), { recursive: true });
    await writeFile(join(s.root, 'victim/seed_0/CE_state.bin'), 'victim');
    await apply(s.dir);
    const before = await snapshot(s.root);
    const r = await runMain(args(s));
    // The link row is only caught where the link's target is read: the state (export), the status files (every reader).
    expect(r.err, name).toMatch(why);
    expect(r.err.trim().split('\n'), r.err).toHaveLength(1);
    expect(r.err).not.toMatch(/\u001b/); // control bytes from the file are never echoed raw
    expect(r.code).toBe(2);
    expect(r.engine).not.toHaveBeenCalled();
    expect(await snapshot(s.root)).toEqual(before);
  });
});

describe('formula-like labels', () => {
  const LABELS = ['=HYPERLINK("http://x","y")', '+1+1', '-1+2', '@SUM(A1)', '\tx', '\rx', '=1+1'];
  it.each(LABELS)('a run id and loss %j are written neutralised by export-metrics (a leading \')', async (label) => {
    const s = await study();
    await editStudy((j) => Object.assign(j.runs[0], { id: label, loss: label }))(s.dir);
    const r = await runMain(['export-metrics', s.dir]);
    expect(r.code, r.err).toBe(0);
    const ours = r.out.split('\n').slice(1).filter((l) => !l.startsWith('clean_convnet_focal2_s0') && l);
    expect(ours.length).toBe(18);
    for (const l of ours) expect(l).toMatch(/^"?'/);
    // Numbers keep their sign: no quote before a value.
    expect(r.out).not.toMatch(/,'[^,\n]*$/m); // the value column is the last one
  });
});

describe('labels with markup in figures', () => {
  it.each(['CE<b>', 'A&B', 'say "hi"', "it's <&>"])('plot: a label %j gives SVG that is valid XML (the rasteriser parses it)', async (label) => {
    const s = await study();
    await editStudy((j) => j.runs.forEach((r: { loss: string; label: string }) => r.loss === 'ce' && (r.label = label)))(s.dir);
    const out = join(s.root, 'figs');
    const r = await runMain(['plot', s.dir, '--out', out, '--format', 'svg']);
    expect(r.code, r.err).toBe(0);
    const { toPng } = await import('@losslab/viewer/render');
    const svgs = await Promise.all((await readdir(out)).filter((f) => f.endsWith('.svg')).map((f) => readFile(join(out, f), 'utf8')));
    const labelled = svgs.filter((t) => t.includes(label.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')));
    expect(labelled.length).toBeGreaterThan(0);
    for (const t of labelled.slice(0, 2)) await toPng(t, 0.25); // throws on XML that is not well-formed
  });
});
