/** <Label>_saliency.json: parsing, and the panel shaped for the page (images × losses for one seed). */
import type { LoadedRun } from './model.ts';
import type { SaliencyFile } from '../format/types.ts';
import { fail, ok, type Parsed } from './result.ts';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseSaliency(text: string, file: string): Parsed<SaliencyFile> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return fail(`${file} is not valid JSON (${(e as Error).message}).`);
  }
  if (!isObj(v)) return fail(`${file} is not a JSON object.`);
  if (v.format !== 1) return fail(`${file}: saliency format ${JSON.stringify(v.format)} is not supported (this viewer reads format 1).`);
  const height = Number(v.height), width = Number(v.width);
  if (!(height > 0 && width > 0) || !Array.isArray(v.images)) return fail(`${file}: "height", "width" or "images" is missing.`);
  if (!(Number(v.mapScale) > 0)) return fail(`${file}: "mapScale" is missing.`);
  for (const [i, im] of v.images.entries()) {
    if (!isObj(im) || typeof im.index !== 'number' || typeof im.label !== 'number' || typeof im.predicted !== 'number' || typeof im.rgb !== 'string') {
      return fail(`${file}: images[${i}] lacks index, label, predicted or rgb.`);
    }
    if (!Array.isArray(im.map) || im.map.length !== height * width) return fail(`${file}: images[${i}].map does not have ${height}×${width} values.`);
  }
  return ok(v as unknown as SaliencyFile);
}

/** base64 → bytes (browser and Node). */
export function decodeBase64(b64: string): Uint8Array {
  const s = atob(b64);
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

export interface SaliencyCell {
  label: string; // the loss's label
  predicted: number;
  predictedName: string;
  correct: boolean;
  gradMax: number;
  /** Normalised saliency in [0, 1], row-major. */
  map: Float32Array;
}

export interface SaliencyRow {
  index: number;
  trueClass: number;
  trueName: string;
  rgb: string;
  /** One per loss in `labels` order; null where that loss has no map for this image. */
  cells: (SaliencyCell | null)[];
}

export interface SaliencyPanel {
  seed: number;
  height: number;
  width: number;
  labels: string[];
  rows: SaliencyRow[];
  /** Losses of this seed whose run has no saliency file, with the reason. */
  missing: { label: string; reason: string }[];
}

/** Seeds for which at least one run has a saliency file. */
export function saliencySeeds(runs: readonly LoadedRun[]): number[] {
  return [...new Set(runs.filter((r) => r.saliency).map((r) => r.run.seed))].sort((a, b) => a - b);
}

function missingReason(r: LoadedRun): string {
  if (r.saliencyError) return r.saliencyError;
  if (r.run.status !== 'done') return `run ${r.run.id} is ${r.run.status}`;
  if (r.final?.saliencyError) return `computing it failed: ${r.final.saliencyError}`;
  return 'no saliency file (written by losslab run at the end of a run since saliency was added)';
}

/** The panel of one seed: rows are images (in the first file's order), columns losses (in `labels` order). */
export function saliencyPanel(runs: readonly LoadedRun[], labels: readonly string[], seed: number, classNames: readonly string[]): SaliencyPanel {
  const ofSeed = runs.filter((r) => r.run.seed === seed);
  const byLabel = new Map(ofSeed.map((r) => [r.run.label, r]));
  const used = labels.filter((l) => byLabel.has(l));
  const files = used.map((l) => byLabel.get(l)!.saliency);
  const first = files.find((f): f is SaliencyFile => !!f);
  const name = (c: number) => first?.classNames?.[c] ?? classNames[c] ?? `class ${c}`;
  const rows: SaliencyRow[] = (first?.images ?? []).map((im) => ({
    index: im.index,
    trueClass: im.label,
    trueName: name(im.label),
    rgb: im.rgb,
    cells: files.map((f, k) => {
      const m = f?.images.find((x) => x.index === im.index);
      return m ? {
        label: used[k], predicted: m.predicted, predictedName: name(m.predicted), correct: m.predicted === m.label, gradMax: m.gradMax,
        map: Float32Array.from(m.map, (x) => x / f!.mapScale),
      } : null;
    }),
  }));
  const missing = used.filter((_, k) => !files[k]).map((l) => ({ label: l, reason: missingReason(byLabel.get(l)!) }));
  return { seed, height: first?.height ?? 32, width: first?.width ?? 32, labels: used, rows, missing };
}
