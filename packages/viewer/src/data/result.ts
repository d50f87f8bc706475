/** A parse outcome: a value (possibly with warnings) or an error message meant for the page. */
export type Parsed<T> = { ok: true; value: T; warnings: string[] } | { ok: false; error: string };

export const ok = <T>(value: T, warnings: string[] = []): Parsed<T> => ({ ok: true, value, warnings });
export const fail = <T = never>(error: string): Parsed<T> => ({ ok: false, error });
