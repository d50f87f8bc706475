/** Builds summary.json and summary.md from one or more study folders and writes them into `outDir`. */
import { join, relative } from 'node:path';
import { removeStaleTemps, writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';
import { withLock } from '../util/lock.ts';
import { collectStudy, requireSameSettings, type RunRecord } from './collect.ts';
import { renderSummaryMd } from './summary-md.ts';
import { buildSummary, type SummaryJson } from './summary.ts';
import { LOCK_DIR } from './study-file.ts';
import { parseLoss } from '../config/index.ts';

export async function summarizeFolders(dirs: string[]): Promise<SummaryJson> {
  const records: RunRecord[] = [];
  const names: string[] = [];
  let classNames: string[] = [];
  const lossOrder: string[] = [];
  const datasets: Record<string, { classNames: string[] }> = {};
  const collected = await Promise.all(dirs.map(async (dir) => ({ dir, ...(await collectStudy(dir)) })));
  requireSameSettings(collected);
  for (const { study, records: r } of collected) {
    records.push(...r);
    for (const l of study.config.losses.map((x) => parseLoss(x).source)) if (!lossOrder.includes(l)) lossOrder.push(l);
    if (!names.includes(study.name)) names.push(study.name);
    if (!classNames.length) classNames = study.classNames;
    for (const [k, v] of Object.entries(study.datasets ?? {})) datasets[k] ??= v;
  }
  return buildSummary(records, { study: names.join('+'), sources: dirs, classNames, lossOrder, datasets });
}

export async function writeSummary(dirs: string[], outDir: string): Promise<SummaryJson> {
  await removeStaleTemps(outDir); // left by a summary killed mid-write (lock and output temporaries)
  return withLock(join(outDir, LOCK_DIR), async () => {
    const s = await summarizeFolders(dirs);
    s.sources = dirs.map((d) => relative(outDir, d) || '.');
    await writeJsonAtomic(join(outDir, 'summary.json'), s);
    await writeFileAtomic(join(outDir, 'summary.md'), renderSummaryMd(s));
    return s;
  });
}
