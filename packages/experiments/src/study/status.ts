/**
 * <Label>_status.json: one run's progress, written only by the process running that cell.
 * study.json's `runs` are merged from these files (see study-file.ts).
 */
import { readFile } from 'node:fs/promises';
import { writeJsonAtomic } from '../util/atomic.ts';
import { firstIssue, RunStatusSchema } from './schema.ts';

import { RUN_STATUS_NAMES, type RunStatus as RunStatusName } from '@losslab/viewer/format';

// One list of run states for the writer (here) and the reader (the viewer).
export { RUN_STATUS_NAMES, type RunStatusName };

export interface RunStatus {
  id: string;
  index: number;
  status: RunStatusName;
  epochsDone: number;
  epochs: number;
  divergedEpoch: number | null;
  error: string | null;
  startedAt: string | null;
  endedAt: string | null;
  /** The adapter this run trained on (one line). */
  adapter: string | null;
}

export { TERMINAL } from './study-json.ts';

/** A status file that exists but cannot be read as one (truncated, edited, not JSON). */
export class DamagedStatusError extends Error {
  override name = 'DamagedStatusError';
  constructor(readonly file: string, why: string) {
    super(`${file} is damaged (${why})`);
  }
}

/** null when the file does not exist; DamagedStatusError when it is not a status file. */
export async function readStatus(path: string): Promise<RunStatus | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DamagedStatusError(path, (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new DamagedStatusError(path, 'not valid JSON');
  }
  const s = RunStatusSchema.safeParse(raw);
  if (!s.success) throw new DamagedStatusError(path, `not a run status: ${firstIssue(s.error)}`);
  return s.data;
}

/** As readStatus, but a damaged file reads as null (the caller rebuilds it from the state file). */
export function readStatusOrNull(path: string): Promise<RunStatus | null> {
  return readStatus(path).catch((e) => {
    if (e instanceof DamagedStatusError) return null;
    throw e;
  });
}

export function writeStatus(path: string, s: RunStatus): Promise<void> {
  return writeJsonAtomic(path, s);
}
