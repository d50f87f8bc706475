/**
 * A GroupEngine made of separate RunEngines trained one after another: how the runner drives a
 * factory without lockstep (test engines, `--lockstep off` compares against it in the bench).
 */
import type { EngineFactory, EpochStats, EvalStats, GroupEngine, RunEngine, RunSpec } from './types.ts';

export async function groupOfRuns(factory: Pick<EngineFactory, 'createRun'>, specs: RunSpec[]): Promise<GroupEngine> {
  const runs: RunEngine[] = [];
  try {
    for (const s of specs) runs.push(await factory.createRun(s));
  } catch (e) {
    for (const r of runs) r.dispose();
    throw e;
  }
  const steps = runs[0]?.stepsPerEpoch ?? 0;
  const at = (member: number): RunEngine => {
    const r = runs[member];
    if (!r) throw new Error(`no member ${member} in a group of ${runs.length}`);
    return r;
  };
  const group: GroupEngine = {
    specs,
    stepsPerEpoch: steps,
    async trainEpoch(epoch, evaluate, onProgress) {
      const out: EpochStats[] = [];
      for (const [k, r] of runs.entries()) {
        out.push(await r.trainEpoch(epoch, evaluate, onProgress && ((p) => onProgress({ step: k * p.steps + p.step, steps: runs.length * p.steps }))));
      }
      return out;
    },
    async evaluate() {
      const out: EvalStats[] = [];
      for (const r of runs) {
        if (!r.evaluate) throw new Error('this engine cannot evaluate without training');
        out.push(await r.evaluate());
      }
      return out;
    },
    saveState: (m) => at(m).saveState(),
    loadState: (m, s) => at(m).loadState(s),
    dispose: () => runs.forEach((r) => r.dispose()),
  };
  if (runs.every((r) => r.saliency)) group.saliency = (m, idx) => at(m).saliency!(idx);
  if (runs.every((r) => r.stateDict)) group.stateDict = (m) => at(m).stateDict!();
  if (runs.every((r) => r.loadStateDict)) group.loadStateDict = (m, s) => at(m).loadStateDict!(s);
  return group;
}
