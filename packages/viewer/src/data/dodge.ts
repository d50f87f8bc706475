/**
 * Spreads label positions apart: each label is at least `gap` from its neighbours, moved as
 * little as possible (clusters are centred on their mean), and kept within [min, max].
 * Returns the new positions in the input's order.
 */
export function dodge(ys: readonly number[], gap: number, min = -Infinity, max = Infinity): number[] {
  const order = ys.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y);
  // Clusters of labels that would overlap, each placed around its members' mean.
  let clusters: { start: number; items: number[]; mean: number }[] = [];
  for (const o of order) {
    clusters.push({ start: o.y, items: [o.i], mean: o.y });
    let merged = true;
    while (merged && clusters.length > 1) {
      merged = false;
      const b = clusters[clusters.length - 1];
      const a = clusters[clusters.length - 2];
      if (a.start + a.items.length * gap > b.start) {
        const items = [...a.items, ...b.items];
        const mean = items.reduce((s, i) => s + ys[i], 0) / items.length;
        clusters = [...clusters.slice(0, -2), { items, mean, start: mean - ((items.length - 1) * gap) / 2 }];
        merged = true;
      }
    }
  }
  const out = new Array<number>(ys.length);
  let floor = min;
  const placed = clusters.flatMap((c) => c.items.map((_, k) => c.start + k * gap));
  // Clamp into [min, max] keeping the gaps: push down from the top, then up from the bottom.
  for (let k = 0; k < placed.length; k++) { placed[k] = Math.max(placed[k], floor); floor = placed[k] + gap; }
  let ceil = max;
  for (let k = placed.length - 1; k >= 0; k--) { placed[k] = Math.min(placed[k], ceil); ceil = placed[k] - gap; }
  clusters.flatMap((c) => c.items).forEach((i, k) => { out[i] = placed[k]; });
  return out;
}
