/** The comparison as a Markdown table (printed by `losslab compare`, pasted into notes). */
import type { Comparison, LossComparison } from './compare.ts';

const f4 = (x: number) => x.toFixed(4);
const pm = (s: { mean: number; std: number | null }) => (s.std === null ? f4(s.mean) : `${f4(s.mean)} ± ${f4(s.std)}`);
const range = (v: number[]) => `[${f4(Math.min(...v))}, ${f4(Math.max(...v))}]`;
const pValue = (p: number) => (p < 0.001 ? p.toExponential(1) : p.toFixed(3));

function row(r: LossComparison): string {
  const ref = r.reference;
  const lab = r.losslab;
  const cells = [
    r.label,
    ref ? `${ref.stats.n} (${ref.seeds.join(',')})` : '—',
    ref ? `${pm(ref.stats)} ${range(ref.stats.values)}` : '—',
    lab ? `${lab.stats.n} (${lab.seeds.join(',')})` : '—',
    lab ? `${lab.stats.values.map(f4).join(', ')}` : '—',
    lab ? pm(lab.stats) : '—',
    r.inRange === null ? '—' : `${r.inRange}/${lab!.stats.n}`,
    r.welch ? `${r.welch.meanDiff >= 0 ? '+' : ''}${f4(r.welch.meanDiff)} [${f4(r.welch.ci95[0])}, ${f4(r.welch.ci95[1])}]` : '—',
    r.welch ? pValue(r.welch.pValue) : '—',
  ];
  return `| ${cells.join(' | ')} |`;
}

export function renderComparison(c: Comparison): string {
  const lines = [
    `Final ${c.metric}: LossLab against the reference, independent seeds (Δ = LossLab − reference, Welch's t-test).`,
    '',
    '| loss | reference n (seeds) | reference mean ± std [min, max] | LossLab n (seeds) | LossLab values | LossLab mean ± std | LossLab inside reference range | Δ mean [95% CI] | p |',
    '|---|---|---|---|---|---|---|---|---|',
    ...c.rows.map(row),
  ];
  const damaged = c.rows.flatMap((r) => r.damaged.map((d) => `${r.label} seed ${d.seed} (${d.why})`));
  if (damaged.length) lines.push('', `Left out (damaged results): ${damaged.join('; ')}.`);
  if (c.epochMismatch) lines.push('', 'Warning: the two sides end at different epochs; their final values are not comparable.');
  return lines.join('\n');
}
