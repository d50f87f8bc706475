/**
 * The page's study folder: zipped, it unpacks (with the system's unzip) to the same files in the
 * same layout; written through the File System Access API (a fake directory handle here), the
 * same; paths that would leave the folder are refused.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeStudyFolder, zipStudy, type DirectoryHandle } from '../../src/train/save/study-folder.ts';
import { FIXTURE, tempDir } from '../helpers.ts';

const tmp = tempDir('losslab-study-folder-');
afterAll(() => tmp.remove());

function filesOf(dir: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), new Uint8Array(readFileSync(p)));
    }
  };
  walk(dir);
  return out;
}

/** A directory handle over a Map, as Chromium's FileSystemDirectoryHandle behaves for these calls. */
function fakeDir(store: Map<string, Uint8Array>, at = ''): DirectoryHandle {
  return {
    async getDirectoryHandle(name) { return fakeDir(store, `${at}${name}/`); },
    async getFileHandle(name) {
      return { async createWritable() {
        const chunks: Uint8Array[] = [];
        return { async write(d) { chunks.push(d.slice()); }, async close() { store.set(`${at}${name}`, new Uint8Array(Buffer.concat(chunks))); } };
      } };
    },
  };
}

describe('study folder from the page', () => {
  const files = filesOf(FIXTURE);

  it('zips to a folder that unzips to the same files, byte for byte', () => {
    expect(files.size).toBeGreaterThan(10);
    const zip = join(tmp.dir, 'study.zip');
    writeFileSync(zip, zipStudy(files, 'browser-study'));
    execFileSync('unzip', ['-q', zip, '-d', join(tmp.dir, 'out')]);
    const back = filesOf(join(tmp.dir, 'out', 'browser-study'));
    expect([...back.keys()]).toEqual([...files.keys()]);
    for (const [p, b] of files) expect(Buffer.from(back.get(p)!).equals(Buffer.from(b)), p).toBe(true);
    expect(readdirSync(join(tmp.dir, 'out'))).toEqual(['browser-study']);
  });

  it('writes the same files into a picked folder', async () => {
    const store = new Map<string, Uint8Array>();
    await writeStudyFolder(fakeDir(store), 'browser-study', new Map<string, Uint8Array | string>([...files, ['note.txt', 'text too']]));
    expect(store.get('browser-study/seed_0/CE_results.csv')).toEqual(files.get('seed_0/CE_results.csv'));
    expect(new TextDecoder().decode(store.get('browser-study/note.txt'))).toBe('text too');
    expect(store.size).toBe(files.size + 1);
  });

  it('refuses paths that leave the folder', async () => {
    for (const p of ['../x', '/etc/x', 'a/../../x', 'a\\b', '', 'a//b']) {
      expect(() => zipStudy(new Map([[p, 'x']]), 'study'), p).toThrow(/not a path inside a study folder/);
      await expect(writeStudyFolder(fakeDir(new Map()), 'study', new Map([[p, 'x']]))).rejects.toThrow(/not a path inside/);
    }
    expect(() => zipStudy(new Map(), '..')).toThrow(/not a path inside/);
  });
});
