/** What commander refuses (a missing argument or required option, an unknown command) reads like every other error: `losslab <cmd>: …`, exit 2. */
import { describe, expect, it } from 'vitest';
import { runMain } from './helpers/main.ts';

describe('usage errors in the house style', () => {
  it.each([
    [['compare', 'results/default'], /^losslab compare: required option '--reference <dir>' not specified\n$/],
    [['summary'], /^losslab summary: missing required argument 'dirs'\n$/],
    [['export-metrics'], /^losslab export-metrics: missing required argument 'study'\n$/],
    [['run', '--epochs'], /^losslab run: option '--epochs <n>' argument missing\n$/],
    [['runn'], /^losslab: unknown command 'runn'\n\(Did you mean run\?\)\n$/],
  ])('%j', async (args, msg) => {
    const r = await runMain(args);
    expect(r.err).toMatch(msg);
    expect(r.code).toBe(2);
    expect(r.engine).not.toHaveBeenCalled();
  });
});
