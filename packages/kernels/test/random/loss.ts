import type { OpCase } from '../tables.ts';
import { rng, uniform, ints, f64 } from '../random.ts';
import { lossRef } from '../../src/reference/loss.ts';
import { parseLoss, ZOO_LOSSES } from '../../src/losses/index.ts';

/** The built-ins at the study's parameters, and every zoo loss at its defaults. */
export const TESTED_LOSSES = ['ce', 'focal:0.5', 'focal:2', 'l1', 'l1-logits', 'ls:0.1', 'gce:0.7', ...ZOO_LOSSES.map((d) => d.name)];
const LOSSES = TESTED_LOSSES;
const NS = [1, 5, 64, 256, 1000];

function lossCase(name: string, loss: string, logits: number[], target: number[], n: number, c: number): OpCase {
  const r = lossRef(parseLoss(loss), logits, target, n, c);
  return {
    name, op: 'loss', source: 'reference',
    params: { loss },
    inputs: { logits: f64([n, c], logits), target: f64([n], target) },
    expected: {
      value: { shape: [], data: [r.value] },
      grad_logits: f64([n, c], r.grad),
      per_sample: f64([n], r.perSample),
      correct: { shape: [], data: [r.correct] },
    },
  };
}

/**
 * Every loss at batch 1…1000 with moderate (±3) and extreme (±50) logits, plus confident
 * batches (target logit ahead by 8…40, so p_t → 1) that stress focal 0.5's gradient and the
 * small-q paths of CE, GCE and L1, and |z| up to 1e4. Ten classes as in the study, C = 3 and
 * 64 at the edges, C = 100 (CIFAR-100) and C = 1000.
 */
export function cases(): OpCase[] {
  const out: OpCase[] = [];
  LOSSES.forEach((loss, li) => {
    NS.forEach((n, ni) => {
      for (const [scale, tag] of [[3, 'moderate ±3'], [50, 'extreme ±50']] as const) {
        const c = 10;
        const next = rng(9100 + li * 100 + ni * 10 + (scale === 50 ? 1 : 0));
        out.push(lossCase(`random loss ${loss} N=${n} C=${c} ${tag}`, loss, uniform(next, n * c, -scale, scale), ints(next, n, c), n, c));
      }
    });
    const next = rng(9900 + li);
    // Confident: target ahead by a margin from 8 to 40 (q from ~3e-3 down to ~4e-17).
    const n = 64, c = 10;
    const target = ints(next, n, c);
    const logits = uniform(next, n * c, -1, 1);
    for (let i = 0; i < n; i++) logits[i * c + target[i]] = Math.fround(8 + (32 * i) / (n - 1));
    out.push(lossCase(`random loss ${loss} N=${n} confident (p_t → 1)`, loss, logits, target, n, c));
    for (const c2 of [3, 64]) {
      const nx = rng(9950 + li * 2 + c2);
      out.push(lossCase(`random loss ${loss} N=37 C=${c2}`, loss, uniform(nx, 37 * c2, -4, 4), ints(nx, 37, c2), 37, c2));
    }
  });
  return out;
}
