/**
 * Maps a request path onto a file inside a root folder, or refuses. Refused: `..` segments
 * (plain or percent-encoded), backslashes, NUL, absolute or drive paths after decoding, and
 * anything whose real path (symlinks resolved) leaves the root's real path.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';

export type Resolved = { ok: true; file: string } | { ok: false; status: 403 | 404; reason: string };

/** Decoded path segments of a URL path below a prefix, or null when the path is not acceptable. */
export function safeSegments(urlPath: string): string[] | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..' || isAbsolute(s) || /^[a-zA-Z]:/.test(s))) return null;
  // A raw segment must not decode into several (an encoded '/').
  const raw = urlPath.split('/').filter((s) => s !== '' && s !== '.');
  if (raw.length !== segments.length) return null;
  return segments;
}

export const isInside = (root: string, file: string): boolean => file === root || file.startsWith(root.endsWith(sep) ? root : root + sep);

/** `root` must already be a real path (see realpath). Resolves to a regular file only. */
export async function resolveInside(root: string, urlPath: string): Promise<Resolved> {
  const segments = safeSegments(urlPath);
  if (!segments) return { ok: false, status: 403, reason: 'path not allowed' };
  const candidate = resolve(root, ...segments);
  if (!isInside(root, candidate)) return { ok: false, status: 403, reason: 'outside the served folder' };
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return { ok: false, status: 404, reason: 'not found' };
  }
  if (!isInside(root, real)) return { ok: false, status: 403, reason: 'link points outside the served folder' };
  const st = await stat(real).catch(() => null);
  if (!st?.isFile()) return { ok: false, status: 404, reason: 'not a file' };
  return { ok: true, file: real };
}
