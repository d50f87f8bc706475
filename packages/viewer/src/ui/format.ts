/** Number and time formatting for tables and read-outs. */
export function fmt(v: number | undefined | null, digits = 4): string {
  if (v === undefined || v === null) return '–';
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  return v.toFixed(digits);
}

export const fmtP = (p: number | null | undefined): string => (p === undefined || p === null || Number.isNaN(p) ? '–' : p < 0.001 ? '< 0.001' : `= ${p.toFixed(3)}`);

export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return hh ? `${hh} h ${mm} min` : mm ? `${mm} min ${ss} s` : `${ss} s`;
}

export const fmtTime = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '–');
