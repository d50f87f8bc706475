/**
 * The viewer server behind `losslab view`: the built app at /, the results folder read-only at
 * /results/ (never cached: the pages poll it while a study runs), and the list of studies at
 * /api/studies. It listens on 127.0.0.1 and answers only requests addressed to it by that name.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mimeType } from './mime.ts';
import { resolveInside } from './safe-path.ts';
import { findStudies } from './studies.ts';

export interface ViewerOptions {
  /** The results folder: one study folder, or a folder of studies. */
  resultsDir: string;
  /** Default 5178; if that one is taken, a free port. An explicit port that is taken is an error. */
  port?: number;
  host?: string;
  /** The built app (packages/viewer/dist). */
  appDir: string;
}

export interface Viewer {
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 5178;

const SECURITY_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cross-Origin-Resource-Policy': 'same-origin' };

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

async function serveFile(req: IncomingMessage, res: ServerResponse, root: string, urlPath: string, cache: string): Promise<void> {
  const r = await resolveInside(root, urlPath);
  if (!r.ok) return send(res, r.status, `${r.status === 403 ? 'Forbidden' : 'Not found'}: ${r.reason}\n`);
  const st = await stat(r.file);
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': mimeType(r.file), 'Content-Length': st.size, 'Cache-Control': cache });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(r.file).on('error', () => res.destroy()).pipe(res);
}

async function realDir(dir: string, what: string): Promise<string> {
  const real = await realpath(dir).catch(() => null);
  if (!real || !(await stat(real)).isDirectory()) throw new Error(`${what} ${dir} is not a folder`);
  return real;
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<number> {
  return new Promise((resolveListen, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolveListen((server.address() as AddressInfo).port);
    });
  });
}

export async function startViewer({ resultsDir, port, host = '127.0.0.1', appDir }: ViewerOptions): Promise<Viewer> {
  const results = await realDir(resultsDir, 'results folder');
  const app = await realDir(appDir, 'viewer app folder (build it with `npx turbo run build`)');
  await stat(`${app}/index.html`).catch(() => {
    throw new Error(`viewer app ${appDir} has no index.html: build it with \`npx turbo run build\``);
  });
  let boundPort = 0;
  const allowedHosts = () => new Set([`${host}:${boundPort}`, `localhost:${boundPort}`, `127.0.0.1:${boundPort}`, `[::1]:${boundPort}`]);

  const server = createServer((req, res) => {
    const handle = async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed: the viewer is read-only\n');
      if (!allowedHosts().has(req.headers.host ?? '')) return send(res, 403, 'Forbidden: unexpected Host header\n');
      const rawPath = (req.url ?? '/').split(/[?#]/)[0];
      if (!rawPath.startsWith('/')) return send(res, 403, 'Forbidden: path not allowed\n');
      if (rawPath === '/api/studies') {
        return send(res, 200, JSON.stringify({ studies: await findStudies(results) }), 'application/json; charset=utf-8');
      }
      if (rawPath === '/results' || rawPath.startsWith('/results/')) {
        return serveFile(req, res, results, rawPath.slice('/results'.length), 'no-store, no-cache, must-revalidate');
      }
      const appPath = rawPath === '/' ? '/index.html' : rawPath;
      return serveFile(req, res, app, appPath, appPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    };
    handle().catch((e: Error) => {
      if (!res.headersSent) send(res, 500, `Internal error: ${e.message}\n`);
      else res.destroy();
    });
  });

  try {
    boundPort = await listen(server, port ?? DEFAULT_PORT, host);
  } catch (e) {
    if (port !== undefined || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
      throw new Error(`cannot listen on ${host}:${port ?? DEFAULT_PORT}: ${(e as Error).message}`);
    }
    boundPort = await listen(server, 0, host);
  }
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${boundPort}/`,
    close: () => new Promise<void>((done, fail) => {
      server.close((e) => (e ? fail(e) : done()));
      server.closeAllConnections();
    }),
  };
}
