/** Test helpers: a temp results folder from the fixture, raw HTTP requests (no URL normalising). */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURE = fileURLToPath(new URL('./fixtures/study', import.meta.url));
export const APP_DIR = fileURLToPath(new URL('../dist', import.meta.url));

export function tempDir(prefix = 'losslab-viewer-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function copyFixture(to: string): string {
  cpSync(FIXTURE, to, { recursive: true });
  return to;
}

/** GET with the path sent exactly as given. */
export function rawGet(url: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Rows of a results CSV as numbers by column. */
export function readCsvRows(file: string): Record<string, number>[] {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], Number(v)])));
}

/** An IDX file (uint8 values, the given dimensions), as Fashion-MNIST's files are. */
export function idx(dims: number[], value: (i: number) => number): Buffer {
  const n = dims.reduce((a, d) => a * d, 1);
  const b = Buffer.alloc(4 + 4 * dims.length + n);
  b[2] = 0x08;
  b[3] = dims.length;
  dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
  for (let i = 0; i < n; i++) b[4 + 4 * dims.length + i] = value(i);
  return b;
}
