/** Small formatting helpers shared by the reporters. */
export function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function num(x: number | null, digits = 4): string {
  return x === null ? '–' : Number.isFinite(x) ? x.toFixed(digits) : String(x);
}
