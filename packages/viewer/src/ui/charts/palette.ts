/** One colour per loss label, stable across pages (Observable's 10-colour categorical scheme). */
export const PALETTE = ['#4269d0', '#efb118', '#ff725c', '#6cc5b0', '#3ca951', '#ff8ab7', '#a463f2', '#97bbf5', '#9c6b4e', '#9498a0'];

export const colorOf = (label: string, labels: readonly string[]): string => PALETTE[Math.max(0, labels.indexOf(label)) % PALETTE.length];

export const colorScale = (labels: readonly string[]) => ({ domain: [...labels], range: labels.map((l) => colorOf(l, labels)) });
