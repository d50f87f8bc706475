/**
 * The command that continues an interrupted study, written the way this one was started, so that
 * it can be typed as printed: `npx turbo run experiment` (or `npm run experiment`) again when the
 * study came from the package script, else the same losslab call — `npx losslab`, `losslab` from
 * the PATH, or `node path/to/losslab.js` — with the same flags (--out, --config, --preset, …) and
 * --resume.
 */
import { basename, dirname, relative, sep } from 'node:path';

/** A word as a POSIX shell reads it back: quoted only when it needs to be. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function resumeCommand(argv: string[], env: NodeJS.ProcessEnv, cwd: string): string {
  if (env.npm_lifecycle_event === 'experiment') {
    // The script already passes --resume and $LOSSLAB_EXPERIMENT_ARGS; turbo and npm pass the variable on.
    const extra = env.LOSSLAB_EXPERIMENT_ARGS?.trim();
    return `${extra ? `LOSSLAB_EXPERIMENT_ARGS=${shellWord(extra)} ` : ''}npx turbo run experiment`;
  }
  const args = argv.slice(2).filter((a) => a !== '--resume').map(shellWord);
  return [launcher(argv[1] ?? '', env, cwd), ...args, '--resume'].join(' ');
}

function launcher(script: string, env: NodeJS.ProcessEnv, cwd: string): string {
  if (basename(script) !== 'losslab') {
    const rel = relative(cwd, script);
    return `node ${shellWord(rel.startsWith('..') || rel === '' ? script : rel)}`;
  }
  // A bin link: npx's own (node_modules/.bin, or npm exec said so) or one on the PATH.
  if (env.npm_command === 'exec' || dirname(script).endsWith(`node_modules${sep}.bin`)) return 'npx losslab';
  return 'losslab';
}
