/**
 * Response headers of the viewer server. The app gets a Content-Security-Policy that allows only
 * its own scripts (the inline module script of the one-file build by its hash) and no framing;
 * results files are data, never live content: every response under /results/ is sandboxed, and
 * a type the app does not read as data (.html, .svg, …) is sent as a download.
 */
import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import { mimeType } from './mime.ts';

export const BASE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
} as const;

/** sha256 sources of the inline scripts of an HTML page, for script-src. */
export function inlineScriptHashes(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)) {
    if (/\bsrc\s*=/.test(m[0].slice(0, m[0].indexOf('>')))) continue;
    if (m[1] === '') continue;
    out.push(`'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
  }
  return out;
}

/** The app's policy: own origin only; inline styles (Observable Plot writes style attributes); blob:/data: images (PNG export). */
export function appCsp(scriptHashes: readonly string[] = []): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${scriptHashes.join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Results files: no scripts, no plugins, no framing, an opaque origin even if a browser renders one. */
export const RESULTS_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'";

/** Types the app reads from a results folder (as text) or shows (PNG); anything else is a download. */
const RESULTS_INLINE = new Set(['.json', '.csv', '.md', '.txt', '.png']);

export function resultsFileHeaders(file: string): Record<string, string> {
  const inline = RESULTS_INLINE.has(extname(file).toLowerCase());
  return {
    'Content-Security-Policy': RESULTS_CSP,
    'Content-Type': inline ? mimeType(file) : 'application/octet-stream',
    ...(inline ? {} : { 'Content-Disposition': 'attachment' }),
  };
}
