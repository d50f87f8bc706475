/** <Label>_final.json: read here, built by final-json.ts. */
import { readFile } from 'node:fs/promises';
import type { FinalJson } from './final-json.ts';

export { finalJson, type FinalJson } from './final-json.ts';

/** A run's final.json, or why it cannot be read (missing, cut short, not an object). */
export async function readFinal(file: string): Promise<{ final: FinalJson } | { problem: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { problem: code === 'ENOENT' ? 'missing' : `cannot be read (${code ?? (e as Error).message.split('\n')[0]})` };
  }
  try {
    const v = JSON.parse(text) as FinalJson;
    return v && typeof v === 'object' && !Array.isArray(v) ? { final: v } : { problem: 'not a final.json' };
  } catch {
    return { problem: 'not valid JSON (cut short?)' };
  }
}
