/**
 * The schema of study.json and of the run status files, defined once (zod) and checked on every
 * read: a file that does not match is refused with one line naming the first field that is wrong.
 * To add a field, add it here; its TypeScript type follows. Unknown top-level keys are kept (a later
 * version may add some), unknown keys of a run are dropped.
 */
import { z } from 'zod';
import { RUN_STATUS_NAMES } from '@losslab/viewer/format';
import { isInsidePath } from '../util/inside.ts';

export { STUDY_FORMAT } from './study-json.ts';
import { STUDY_FORMAT } from './study-json.ts';

const count = z.number().int().nonnegative();
const time = z.string().nullable();
/** A file of the study named relative to its folder: never absolute, never `..` (see util/inside.ts). */
const studyPath = z.string().refine(isInsidePath, { message: 'must be a path inside the study folder' });

const runStatusFields = {
  id: z.string().min(1),
  index: count,
  status: z.enum(RUN_STATUS_NAMES),
  epochsDone: count,
  epochs: count,
  divergedEpoch: count.nullable(),
  error: z.string().nullable(),
  startedAt: time,
  endedAt: time,
  /** The adapter this run trained on (one line). */
  adapter: z.string().nullable().default(null),
};
const notPastEnd: [(s: { epochsDone: number; epochs: number }) => boolean, { message: string; path: string[] }] =
  [(s) => s.epochsDone <= s.epochs, { message: 'epochsDone is past epochs', path: ['epochsDone'] }];

export const RunStatusSchema = z.object(runStatusFields).refine(...notPastEnd);

export const StudyRunSchema = z.object({
  ...runStatusFields,
  loss: z.string().min(1),
  label: z.string().min(1),
  seed: count,
  data: z.string().min(1),
  arch: z.string().min(1),
  /** The data set (absent in study folders from before the data-set axis: CIFAR-10). */
  dataset: z.string().min(1).optional(),
  csv: studyPath,
  final: studyPath,
  state: studyPath,
  statusFile: studyPath,
}).refine(...notPastEnd);

export const StudyJsonSchema = z.looseObject({
  format: z.literal(STUDY_FORMAT, { message: `must be ${STUDY_FORMAT} (a study written by another version of LossLab)` }),
  name: z.string(),
  status: z.enum(['running', 'done', 'failed']),
  createdAt: z.string(),
  startedAt: time,
  endedAt: time,
  /** The configuration without outDir (checked by config/validate.ts when a study is joined). */
  config: z.looseObject({ losses: z.array(z.string()), seeds: z.array(count), epochs: count, evalEvery: z.number().int().positive() }),
  versions: z.record(z.string(), z.string().nullable()),
  gitCommit: z.string().nullable(),
  adapter: z.record(z.string(), z.unknown()).nullable(),
  classNames: z.array(z.string()),
  runs: z.array(StudyRunSchema),
});

/** The first problem of a failed parse as `field.path: message`. */
export function firstIssue(e: z.ZodError): string {
  const i = e.issues[0];
  const where = i.path.length ? `${i.path.join('.')}: ` : '';
  return `${where}${i.message}`;
}
