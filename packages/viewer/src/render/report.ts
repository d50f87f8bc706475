/**
 * `losslab report`: one self-contained HTML file — the viewer's one-file build with the study's
 * files embedded as JSON — that opens from disk (file://) with every page and chart, no server.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { listTree } from './fs-source.ts';

/** Files the viewer reads (resume state and anything else binary are left out). */
const wanted = (p: string) => /\.(json|csv|md)$/.test(p);

/** JSON safe inside <script>: no "</script", no "<!--". */
const scriptSafe = (json: string) => json.replace(/</g, '\\u003c');

export async function reportHtml(appHtml: string, dirs: readonly string[], title: string): Promise<string> {
  const files: Record<string, string> = {};
  const names = dirs.map((d) => basename(resolve(d)));
  const unique = names.map((n, i) => (names.indexOf(n) === i ? n : `${n}-${i + 1}`));
  for (const [i, dir] of dirs.entries()) {
    const prefix = dirs.length > 1 ? `${unique[i]}/` : '';
    for (const p of await listTree(resolve(dir))) if (wanted(p)) files[prefix + p] = await readFile(join(resolve(dir), ...p.split('/')), 'utf8');
    if (!(`${prefix}study.json` in files)) throw new Error(`${dir} holds no study.json: not a study folder`);
  }
  // A report opens on the results (the summary), not on the study's configuration.
  const payload = scriptSafe(JSON.stringify({ title, files, open: dirs.length > 1 ? unique : [''], page: 'summary' }));
  const embedded = `<script type="application/json" id="losslab-embedded">${payload}</script>`;
  if (!appHtml.includes('</head>')) throw new Error('the viewer build has no </head>: rebuild it with `npx turbo run build`');
  return appHtml.replace('</head>', `${embedded}\n</head>`).replace(/<title>[^<]*<\/title>/, `<title>${title.replace(/[<&]/g, '')} · LossLab report</title>`);
}

export async function writeReport(appDir: string, dirs: readonly string[], out: string, title?: string): Promise<number> {
  const app = await readFile(join(appDir, 'index.html'), 'utf8').catch(() => {
    throw new Error(`viewer app ${appDir} has no index.html: build it with \`npx turbo run build\``);
  });
  const html = await reportHtml(app, dirs, title ?? dirs.map((d) => basename(resolve(d))).join(' + '));
  await mkdir(dirname(resolve(out)), { recursive: true }); // as plot makes its folder
  await writeFile(out, html);
  return Buffer.byteLength(html);
}
