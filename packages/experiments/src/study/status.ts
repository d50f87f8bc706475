/**
 * <Label>_status.json: one run's progress, written only by the process running that cell.
 * study.json's `runs` are merged from these files (see study-file.ts).
 */
import { readFile } from 'node:fs/promises';
import { writeJsonAtomic } from '../util/atomic.ts';

export type RunStatusName = 'pending' | 'running' | 'done' | 'diverged' | 'failed';

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

export const TERMINAL: RunStatusName[] = ['done', 'diverged', 'failed'];

export async function readStatus(path: string): Promise<RunStatus | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as RunStatus;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export function writeStatus(path: string, s: RunStatus): Promise<void> {
  return writeJsonAtomic(path, s);
}
