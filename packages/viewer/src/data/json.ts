/** Parsing and checking study.json, <Label>_final.json and summary.json. */
import type { FinalDetails, RunEntry, Study, Summary } from '../format/types.ts';
import { fail, ok, type Parsed } from './result.ts';

function parseJson(text: string, file: string): Parsed<Record<string, unknown>> {
  if (text.trim() === '') return fail(`${file} is empty.`);
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(`${file} is not a JSON object.`);
    return ok(v as Record<string, unknown>);
  } catch (e) {
    return fail(`${file} is not valid JSON (${(e as Error).message}). It may have been cut short or edited by hand.`);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkRun(r: unknown, i: number): string | null {
  if (!isObj(r)) return `runs[${i}] is not an object`;
  for (const k of ['id', 'loss', 'label', 'csv', 'final', 'status']) if (typeof r[k] !== 'string') return `runs[${i}].${k} is missing`;
  if (typeof r.seed !== 'number') return `runs[${i}].seed is missing`;
  return null;
}

export function parseStudy(text: string, file = 'study.json'): Parsed<Study> {
  const p = parseJson(text, file);
  if (!p.ok) return p;
  const s = p.value;
  if (s.format !== 1) return fail(`${file}: results format ${JSON.stringify(s.format)} is not supported (this viewer reads format 1).`);
  if (!Array.isArray(s.runs)) return fail(`${file} has no "runs" list.`);
  const warnings: string[] = [];
  const runs: RunEntry[] = [];
  s.runs.forEach((r, i) => {
    const problem = checkRun(r, i);
    if (problem) warnings.push(`${file}: ${problem}; run left out.`);
    else {
      const run = r as unknown as RunEntry;
      runs.push({
        ...run,
        data: run.data ?? 'clean',
        arch: run.arch ?? 'convnet',
        epochsDone: run.epochsDone ?? 0,
        epochs: run.epochs ?? Number((s.config as Record<string, unknown> | undefined)?.epochs ?? 0),
        divergedEpoch: run.divergedEpoch ?? null,
        error: run.error ?? null,
      });
    }
  });
  const study: Study = {
    format: 1,
    name: typeof s.name === 'string' ? s.name : '(unnamed study)',
    status: (s.status as Study['status']) ?? 'running',
    createdAt: s.createdAt as string | undefined,
    startedAt: s.startedAt as string | undefined,
    endedAt: (s.endedAt as string | null | undefined) ?? null,
    config: isObj(s.config) ? s.config : {},
    versions: isObj(s.versions) ? (s.versions as Record<string, string>) : undefined,
    gitCommit: (s.gitCommit as string | null | undefined) ?? null,
    adapter: isObj(s.adapter) ? s.adapter : undefined,
    classNames: Array.isArray(s.classNames) ? s.classNames.map(String) : [],
    runs,
  };
  return ok(study, warnings);
}

export function parseFinal(text: string, file: string, classCount: number): Parsed<FinalDetails> {
  const p = parseJson(text, file);
  if (!p.ok) return p;
  const f = p.value;
  const confusion = f.confusion;
  if (f.status === 'diverged' && (confusion === null || f.epoch === null)) {
    return fail(`${file}: the run diverged before any evaluation, so it has no end-of-run details.`);
  }
  if (!Array.isArray(confusion) || !confusion.every((r) => Array.isArray(r) && r.every((v) => typeof v === 'number'))) {
    return fail(`${file}: "confusion" is not a matrix of numbers.`);
  }
  if (classCount && (confusion.length !== classCount || confusion.some((r) => (r as number[]).length !== classCount))) {
    return fail(`${file}: the confusion matrix is not ${classCount}×${classCount} (the study has ${classCount} classes).`);
  }
  if (!Array.isArray(f.perClass)) return fail(`${file}: "perClass" is missing.`);
  const cal = f.calibration;
  if (!isObj(cal) || !Array.isArray(cal.bins)) return fail(`${file}: "calibration.bins" is missing.`);
  return ok(f as unknown as FinalDetails);
}

export function parseSummary(text: string, file = 'summary.json'): Parsed<Summary> {
  const p = parseJson(text, file);
  if (!p.ok) return p;
  const s = p.value;
  if (!Array.isArray(s.groups) || !s.groups.every((g) => isObj(g) && Array.isArray(g.rows))) {
    return fail(`${file} has no "groups" with "rows".`);
  }
  return ok({ study: String(s.study ?? ''), metrics: Array.isArray(s.metrics) ? s.metrics.map(String) : [], groups: s.groups } as Summary);
}
