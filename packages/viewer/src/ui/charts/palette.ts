/**
 * One colour per loss, the same in every study and on every page: the study's own losses have
 * fixed colours, any other label a colour chosen from its name. Every colour has a contrast of at
 * least 4.5:1 on white, so a line label drawn in it is readable text (WCAG AA).
 */
export const PALETTE = ['#2f5fc4', '#a35f00', '#c4314b', '#0f7d6b', '#6b46c1', '#3d7a1f', '#a1397f', '#5b6270', '#8a5a2b', '#0b6f91'];

/** Loss label → palette index for the losses LossLab knows (their order in the README). */
const KNOWN: Record<string, number> = { CE: 0, 'Focal0.5': 1, Focal2: 2, L1: 3, L1logits: 4, 'LS0.1': 5, 'GCE0.7': 6, Focal1: 8, Focal5: 9 };

function hash(s: string): number {
  let x = 2166136261;
  for (let i = 0; i < s.length; i++) x = Math.imul(x ^ s.charCodeAt(i), 16777619);
  return x >>> 0;
}

/** Colours of series that carry a setting ('CE · lr=0.02'), given out in order so no two of a chart share one. */
const assigned = new Map<string, string>();

/**
 * Distinct colours for a chart's series labels that carry a setting ('CE · lr=0.01', 'CE · lr=0.02'):
 * hashed names could collide. Plain loss labels keep their fixed colours.
 */
export function assignSeriesColors(labels: readonly string[]): void {
  assigned.clear();
  const compound = labels.filter((l) => l.includes(' · '));
  const used = new Set(labels.filter((l) => !l.includes(' · ')).map((l) => KNOWN[l] ?? hash(l) % PALETTE.length));
  let i = 0;
  for (const l of compound) {
    while (used.has(i % PALETTE.length) && used.size < PALETTE.length) i++;
    used.add(i % PALETTE.length);
    assigned.set(l, PALETTE[i % PALETTE.length]);
    if (used.size >= PALETTE.length) used.clear();
  }
}

export const colorOf = (label: string): string => assigned.get(label) ?? PALETTE[KNOWN[label] ?? hash(label) % PALETTE.length];

export const colorScale = (labels: readonly string[]) => ({ domain: [...labels], range: labels.map((l) => colorOf(l)) });

/** WCAG contrast ratio of two #rrggbb colours. */
export function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
