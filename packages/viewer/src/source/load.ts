/** Loads one study through a source; every problem becomes a message, never an exception. */
import { parseResultsCsv } from '../data/csv.ts';
import { parseFinal, parseStudy, parseSummary } from '../data/json.ts';
import { parseSaliency } from '../data/saliency.ts';
import type { LoadedRun, Problem, StudyData } from '../data/model.ts';
import { joinPath, type ResultsSource } from './source.ts';

export type LoadOutcome = { ok: true; data: StudyData } | { ok: false; file: string; message: string };

async function loadRun(source: ResultsSource, base: string, run: StudyData['study']['runs'][number], classCount: number, problems: Problem[]): Promise<LoadedRun> {
  const out: LoadedRun = { run, rows: null };
  const csvPath = joinPath(base, run.csv);
  const csv = await source.read(csvPath);
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
async function loadSaliency(source: ResultsSource, base: string, file: string, out: LoadedRun, problems: Problem[]): Promise<void> {
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
  const r = await source.read(file);
  if (r.status === 'missing') return { ok: false, file, message: `${file} was not found: this folder holds no study (yet).` };
  if (r.status === 'error') return { ok: false, file, message: `${file} could not be read: ${r.message}` };
  const parsed = parseStudy(r.text, file);
  if (!parsed.ok) return { ok: false, file, message: parsed.error };
  const study = parsed.value;
  const problems: Problem[] = parsed.warnings.map((message) => ({ file, message, level: 'warning' as const }));
  const runs = await Promise.all(study.runs.map((run) => loadRun(source, path, run, study.classNames.length, problems)));
  const data: StudyData = { path, study, runs, problems };
  const sum = await source.read(joinPath(path, 'summary.json'));
  if (sum.status === 'ok') {
    const p = parseSummary(sum.text, joinPath(path, 'summary.json'));
    if (p.ok) data.summary = p.value;
    else problems.push({ file: joinPath(path, 'summary.json'), message: p.error, level: 'error' });
  }
  return { ok: true, data };
}
