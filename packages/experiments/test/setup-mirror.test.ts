// scripts/setup.sh takes the Debian mirror from the machine's own apt sources (deb822 *.sources and
// one-line *.list files) and names none itself; `setup.sh --debian-mirror [RELEASE]` prints it.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTmp } from './helpers/tmp.ts';

const setup = resolve(import.meta.dirname, '../../../scripts/setup.sh');
const tmp = useTmp();

async function mirror(files: Record<string, string>): Promise<string | null> {
  const apt = await tmp();
  await mkdir(join(apt, 'sources.list.d'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(apt, name), text);
  try {
    return execFileSync('bash', [setup, '--debian-mirror', 'bookworm'], { env: { ...process.env, SETUP_APT_DIR: apt }, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

const SECURITY = 'Types: deb\nURIs: http://security.example.org/debian-security\nSuites: bookworm-security\nComponents: main\n';
const VENDOR = 'Types: deb\nURIs: https://vendor.example.com/node\nSuites: nodistro\nComponents: main\n';

describe('setup.sh: the Debian mirror', () => {
  it('from a deb822 stanza whose Suites include the release (not security, not a vendor)', async () => {
    const debian = '# the archive\nTypes: deb deb-src\nURIs: http://mirror.example.net/debian http://second.example.net/debian\nSuites: bookworm bookworm-updates\nComponents: main\n';
    expect(await mirror({ 'sources.list.d/debian.sources': `${SECURITY}\n${debian}`, 'sources.list.d/vendor.sources': VENDOR })).toBe('http://mirror.example.net/debian');
  });

  it('skips disabled stanzas', async () => {
    const off = 'Enabled: no\nTypes: deb\nURIs: http://off.example.net/debian\nSuites: bookworm\n';
    const on = 'Types: deb\nURIs: http://on.example.net/debian\nSuites: bookworm\n';
    expect(await mirror({ 'sources.list.d/debian.sources': `${off}\n${on}` })).toBe('http://on.example.net/debian');
  });

  it('from one-line sources.list and *.list entries, with or without [options]', async () => {
    expect(await mirror({ 'sources.list': '# deb http://commented.example/debian bookworm main\ndeb http://security.example.org/debian-security bookworm-security main\ndeb [arch=amd64 signed-by=/k.gpg] https://one.example.org/debian bookworm main contrib\n' }))
      .toBe('https://one.example.org/debian');
    expect(await mirror({ 'sources.list.d/m.list': 'deb http://list.example.org/debian bookworm main\n' })).toBe('http://list.example.org/debian');
  });

  it('none: only security and vendor sources (setup then stops, naming what to add)', async () => {
    expect(await mirror({ 'sources.list.d/debian.sources': SECURITY, 'sources.list.d/vendor.sources': VENDOR })).toBeNull();
    expect(await mirror({})).toBeNull();
  });
});
