/**
 * The viewer server behind `losslab view`: the built app at /, the results folder(s) read-only at
 * /results/ (never cached: the pages poll them while a study runs), the list of studies at
 * /api/studies and a study's files at /api/files (so the pages never ask for a file that is not
 * there). The data sets it was given (those found in the data cache) are served read-only at
 * /datasets/<name>/<file> — only the files named for each — and listed at /api/datasets, for the
 * Train page. It listens on 127.0.0.1 and answers only requests addressed to it by that name.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import { appCsp, BASE_HEADERS, inlineScriptHashes, RESULTS_CSP, resultsFileHeaders } from './headers.ts';
import { mimeType } from './mime.ts';
import { resolveInside, safeSegments } from './safe-path.ts';
import { findStudies, listFiles } from './studies.ts';

export interface ViewerOptions {
  /**
   * The results folder: one study folder, or a folder of studies. Several folders are served
   * side by side, each under its own name (its base name, made unique), and opened together.
   */
  resultsDir: string | string[];
  /** Default 5178; if that one is taken, a free port. An explicit port that is taken is an error. */
  port?: number;
  host?: string;
  /** The built app (packages/viewer/dist). */
  appDir: string;
  /** Make a results folder that does not exist yet (a study about to start writes there; the page waits for it). */
  create?: boolean;
  /** Data sets to serve read-only for the Train page: each one's folder and the only files of it that are served. */
  datasets?: ServedDataset[];
}

/** A data set folder the server exposes: exactly `files` inside `dir`, nothing else. */
export interface ServedDataset {
  /** The `--dataset` name, e.g. 'cifar10' (the URL segment). */
  name: string;
  dir: string;
  files: string[];
}

/** What GET /api/datasets answers. */
export interface DatasetList {
  datasets: { name: string; files: { name: string; size: number }[] }[];
}

/** The fixed path the data sets are served at. */
export const DATASETS_PATH = '/datasets/';

export interface Viewer {
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 5178;

/** What GET /api/studies answers: study folders below the results root, and those to open together. */
export interface StudyList {
  studies: string[];
  /** Set when several folders were given: the app opens them as one view. */
  open?: string[];
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...BASE_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
  res.end(body);
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

interface Mount { name: string; dir: string }

/** One folder is the root itself (name ''); several get unique names from their base names. */
export function mountNames(dirs: readonly string[]): string[] {
  if (dirs.length === 1) return [''];
  const used = new Map<string, number>();
  return dirs.map((d) => {
    const base = basename(d) || 'results';
    const k = (used.get(base) ?? 0) + 1;
    used.set(base, k);
    return k === 1 ? base : `${base}-${k}`;
  });
}

/** The mount and the path inside it that a results URL path names. */
function locate(mounts: readonly Mount[], urlPath: string): { mount: Mount; rest: string } | null {
  if (mounts.length === 1 && mounts[0].name === '') return { mount: mounts[0], rest: urlPath };
  const segs = safeSegments(urlPath);
  if (!segs?.length) return null;
  const mount = mounts.find((m) => m.name === segs[0]);
  return mount ? { mount, rest: `/${segs.slice(1).map(encodeURIComponent).join('/')}` } : null;
}

export async function startViewer({ resultsDir, port, host = '127.0.0.1', appDir, create = false, datasets = [] }: ViewerOptions): Promise<Viewer> {
  const dirs = Array.isArray(resultsDir) ? resultsDir : [resultsDir];
  if (!dirs.length) throw new Error('no results folder given');
  const names = mountNames(dirs);
  if (create) for (const d of dirs) await mkdir(d, { recursive: true });
  const mounts: Mount[] = await Promise.all(dirs.map(async (d, i) => ({ name: names[i], dir: await realDir(d, 'results folder') })));
  const app = await realDir(appDir, 'viewer app folder (build it with `npx turbo run build`)');
  await stat(`${app}/index.html`).catch(() => {
    throw new Error(`viewer app ${appDir} has no index.html: build it with \`npx turbo run build\``);
  });
  const dataMounts = await Promise.all(datasets.map(async (d) => ({ ...d, dir: await realDir(d.dir, `data set ${d.name} folder`) })));
  let boundPort = 0;
  const allowedHosts = () => new Set([`${host}:${boundPort}`, `localhost:${boundPort}`, `127.0.0.1:${boundPort}`, `[::1]:${boundPort}`]);

  async function studyList(): Promise<StudyList> {
    const studies: string[] = [];
    for (const m of mounts) for (const s of await findStudies(m.dir)) studies.push([m.name, s].filter(Boolean).join('/'));
    return mounts.length > 1 ? { studies, open: studies } : { studies };
  }

  async function serveApp(req: IncomingMessage, res: ServerResponse, urlPath: string): Promise<void> {
    const r = await resolveInside(app, urlPath);
    if (!r.ok) return send(res, r.status, `${r.status === 403 ? 'Forbidden' : 'Not found'}: ${r.reason}\n`);
    const body = await readFile(r.file);
    const isHtml = r.file.endsWith('.html');
    const csp = appCsp(isHtml ? inlineScriptHashes(body.toString('utf8')) : []);
    res.writeHead(200, { ...BASE_HEADERS, 'Content-Security-Policy': csp, 'Content-Type': mimeType(r.file), 'Content-Length': body.length,
      'Cache-Control': urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  async function serveResult(req: IncomingMessage, res: ServerResponse, urlPath: string): Promise<void> {
    const at = locate(mounts, urlPath);
    const r = at ? await resolveInside(at.mount.dir, at.rest)
      : safeSegments(urlPath) ? { ok: false as const, status: 404 as const, reason: 'not found' } : { ok: false as const, status: 403 as const, reason: 'path not allowed' };
    if (!r.ok) return send(res, r.status, `${r.status === 403 ? 'Forbidden' : 'Not found'}: ${r.reason}\n`);
    const st = await stat(r.file);
    res.writeHead(200, { ...BASE_HEADERS, ...resultsFileHeaders(r.file), 'Content-Length': st.size, 'Cache-Control': 'no-store, no-cache, must-revalidate' });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(r.file).on('error', () => res.destroy()).pipe(res);
  }

  async function datasetList(): Promise<DatasetList> {
    const out: DatasetList = { datasets: [] };
    for (const d of dataMounts) {
      const files = [];
      for (const f of d.files) {
        const r = await resolveInside(d.dir, `/${encodeURIComponent(f)}`);
        if (r.ok) files.push({ name: f, size: (await stat(r.file)).size });
      }
      out.datasets.push({ name: d.name, files });
    }
    return out;
  }

  /** /datasets/<name>/<file>: one of the files named for that data set, or 404/403. */
  async function serveDataset(req: IncomingMessage, res: ServerResponse, urlPath: string): Promise<void> {
    const segs = safeSegments(urlPath);
    if (!segs) return send(res, 403, 'Forbidden: path not allowed\n');
    const d = dataMounts.find((m) => m.name === segs[0]);
    if (!d || segs.length !== 2 || !d.files.includes(segs[1])) return send(res, 404, 'Not found: not a data set file this server serves\n');
    const r = await resolveInside(d.dir, `/${encodeURIComponent(segs[1])}`);
    if (!r.ok) return send(res, r.status, `${r.status === 403 ? 'Forbidden' : 'Not found'}: ${r.reason}\n`);
    const st = await stat(r.file);
    res.writeHead(200, { ...BASE_HEADERS, 'Content-Security-Policy': RESULTS_CSP, 'Content-Type': 'application/octet-stream', 'Content-Length': st.size, 'Cache-Control': 'no-cache' });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(r.file).on('error', () => res.destroy()).pipe(res);
  }

  async function studyFiles(study: string): Promise<Record<string, { size: number; mtimeMs: number }> | null> {
    const at = locate(mounts, `/${study.split('/').map(encodeURIComponent).join('/')}`);
    if (!at) return null;
    const segs = safeSegments(at.rest);
    if (!segs) return null;
    return listFiles(at.mount.dir, segs);
  }

  const server = createServer((req, res) => {
    const handle = async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed: the viewer is read-only\n');
      if (!allowedHosts().has(req.headers.host ?? '')) return send(res, 403, 'Forbidden: unexpected Host header\n');
      const [rawPath, query = ''] = (req.url ?? '/').split('#')[0].split('?');
      if (!rawPath.startsWith('/')) return send(res, 403, 'Forbidden: path not allowed\n');
      if (rawPath === '/api/studies') return send(res, 200, JSON.stringify(await studyList()), 'application/json; charset=utf-8');
      if (rawPath === '/api/files') {
        const files = await studyFiles(new URLSearchParams(query).get('study') ?? '');
        return files ? send(res, 200, JSON.stringify({ files }), 'application/json; charset=utf-8') : send(res, 404, 'Not found: no such study folder\n');
      }
      if (rawPath === '/api/datasets') return send(res, 200, JSON.stringify(await datasetList()), 'application/json; charset=utf-8');
      if (rawPath.startsWith(DATASETS_PATH)) return serveDataset(req, res, rawPath.slice(DATASETS_PATH.length - 1));
      if (rawPath === '/results' || rawPath.startsWith('/results/')) return serveResult(req, res, rawPath.slice('/results'.length));
      return serveApp(req, res, rawPath === '/' ? '/index.html' : rawPath);
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
