/** Loads one study through a source; every problem becomes a message, never an exception. */
import { parseResultsCsv } from '../data/csv.ts';
import { parseFinal, parseStudy, parseSummary } from '../data/json.ts';
import { parseSaliency } from '../data/saliency.ts';
import type { LoadedRun, Problem, StudyData } from '../data/model.ts';
import { runSettings } from '../data/settings.ts';
import { joinPath, type FileList, type ReadResult, type ResultsSource } from './source.ts';

export type LoadOutcome = { ok: true; data: StudyData } | { ok: false; file: string; message: string };

/** Reads files of one study folder; with a file list, a file that is not there is never requested. */
interface Reader { read(path: string): Promise<ReadResult>; has(rel: string): boolean | null }

function reader(source: ResultsSource, base: string, files: FileList | null): Reader {
  const rel = (p: string) => (base ? p.slice(base.length + 1) : p);
  return {
    has: (r) => (files ? r in files : null),
    read: (p) => (files && !(rel(p) in files) ? Promise.resolve({ status: 'missing' }) : source.read(p, files?.[rel(p)])),
  };
}

async function loadRun(source: Reader, base: string, run: StudyData['study']['runs'][number], config: Record<string, unknown>, classCount: number, problems: Problem[]): Promise<LoadedRun> {
  const out: LoadedRun = { run, rows: null, settings: runSettings(run, config) };
  const csvPath = joinPath(base, run.csv);
  // A pending run has no CSV yet: not asked for (no 404 on every poll).
  const csv = run.status === 'pending' && !source.has(run.csv) ? { status: 'missing' as const } : await source.read(csvPath);
  if (csv.status === 'ok') {
    const p = parseResultsCsv(csv.text, run.csv);
    if (p.ok) {
      out.rows = p.value;
      for (const w of p.warnings) problems.push({ file: csvPath, message: w, level: 'warning' });
    } else {
      out.csvError = p.error;
      problems.push({ file: csvPath, message: p.error, level: 'error' });
    }
  } else if (csv.status === 'error') {
    out.csvError = `${run.csv} could not be read: ${csv.message}`;
    problems.push({ file: csvPath, message: out.csvError, level: 'error' });
  } else if (run.status !== 'pending') {
    out.csvError = `${run.csv} is missing (run ${run.id} is ${run.status}).`;
    problems.push({ file: csvPath, message: out.csvError, level: run.epochsDone > 0 ? 'error' : 'warning' });
  }
  const finished = run.status === 'done' || run.status === 'diverged';
  const finalPath = joinPath(base, run.final);
  const fin = finished ? await source.read(finalPath) : { status: 'missing' as const };
  if (fin.status === 'ok') {
    const p = parseFinal(fin.text, run.final, classCount);
    if (p.ok) out.final = p.value;
    else out.finalError = p.error;
  } else if (finished) {
    out.finalError = fin.status === 'error' ? `${run.final} could not be read: ${fin.message}` : `${run.final} is missing although run ${run.id} is ${run.status}.`;
  }
  if (out.finalError) problems.push({ file: finalPath, message: out.finalError, level: 'error' });
  if (typeof out.final?.saliency === 'string') await loadSaliency(source, base, out.final.saliency, out, problems);
  return out;
}

/** The saliency file a final.json names; a missing or bad one is a warning (the run's numbers stand). */
async function loadSaliency(source: Reader, base: string, file: string, out: LoadedRun, problems: Problem[]): Promise<void> {
  const path = joinPath(base, file);
  const r = await source.read(path);
  if (r.status === 'ok') {
    const p = parseSaliency(r.text, file);
    if (p.ok) out.saliency = p.value;
    else out.saliencyError = p.error;
  } else {
    out.saliencyError = r.status === 'error' ? `${file} could not be read: ${r.message}` : `${file} is missing although ${out.run.final} names it.`;
  }
  if (out.saliencyError) problems.push({ file: path, message: out.saliencyError, level: 'warning' });
}

export async function loadStudy(source: ResultsSource, path: string): Promise<LoadOutcome> {
  const file = joinPath(path, 'study.json');
  const files = (await source.listFiles?.(path).catch(() => null)) ?? null;
  const rd = reader(source, path, files);
  const r = await rd.read(file);
  if (r.status === 'missing') return { ok: false, file, message: `${file} was not found: this folder holds no study (yet).` };
  if (r.status === 'error') return { ok: false, file, message: `${file} could not be read: ${r.message}` };
  const parsed = parseStudy(r.text, file);
  if (!parsed.ok) return { ok: false, file, message: parsed.error };
  const study = parsed.value;
  const problems: Problem[] = parsed.warnings.map((message) => ({ file, message, level: 'warning' as const }));
  const runs = await Promise.all(study.runs.map((run) => loadRun(rd, path, run, study.config, study.classNames.length, problems)));
  const data: StudyData = { path, study, runs, problems };
  // Without a file list, summary.json is only looked for once the study has ended (the CLI writes it then).
  const wanted = rd.has('summary.json') ?? study.status !== 'running';
  const sum = wanted ? await rd.read(joinPath(path, 'summary.json')) : { status: 'missing' as const };
  if (sum.status === 'ok') {
    const p = parseSummary(sum.text, joinPath(path, 'summary.json'));
    if (p.ok) data.summary = p.value;
    else problems.push({ file: joinPath(path, 'summary.json'), message: p.error, level: 'error' });
  }
  return { ok: true, data };
}

/** A study in the list: its name, status, runs done of all, losses and start; or why its study.json cannot be read. */
export type StudyBrief = { ok: true; name: string; status: string; done: number; runs: number; losses: string[]; startedAt?: string } | { ok: false; message: string };

export async function studyBriefs(source: ResultsSource, studies: readonly string[]): Promise<Map<string, StudyBrief>> {
  const out = new Map<string, StudyBrief>();
  await Promise.all(studies.map(async (s) => {
    const r = await source.read(joinPath(s, 'study.json'));
    if (r.status !== 'ok') { out.set(s, { ok: false, message: r.status === 'missing' ? 'no study.json' : r.message }); return; }
    const p = parseStudy(r.text);
    if (!p.ok) { out.set(s, { ok: false, message: p.error }); return; }
    const st = p.value;
    out.set(s, { ok: true, name: st.name, status: st.status, done: st.runs.filter((x) => x.status === 'done').length, runs: st.runs.length,
      losses: [...new Set(st.runs.map((x) => x.label))], startedAt: st.startedAt });
  }));
  return out;
}
