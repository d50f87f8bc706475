/** A decimal number as a person writes it (1, -0.5, 1e-4); NaN for anything else Number() would accept ('0x10', '', ' ', '1_0'). */
export function decimal(text: string): number {
  const t = text.trim();
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t) ? Number(t) : NaN;
}
