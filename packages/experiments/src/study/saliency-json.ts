/**
 * <Label>_saliency.json: the saliency maps of a run's final model on a fixed panel of test images
 * (the first `perClass` of each class in test-set order; with many classes one image of each of
 * the first PANEL_MAX_CLASSES). Each gradient is reduced to one H×W map, max over channels of
 * |grad| (Simonyan et al. 2014), divided by its own maximum and stored as integers per mille
 * (0–1000); the image travels with it (base64 of H×W interleaved RGB bytes, grey images
 * repeated in R, G and B) so the viewer needs nothing else.
 */
import type { SaliencyItem } from '../engine/types.ts';
import type { Cell, RunIdentity } from './grid.ts';

export const SALIENCY_FORMAT = 1;
export const PANEL_PER_CLASS = 2;
/** With more classes than this the panel shows one image of each of the first PANEL_MAX_CLASSES. */
export const PANEL_MAX_CLASSES = 50;
/** Map values are integers: the normalised saliency × MAP_SCALE. */
export const MAP_SCALE = 1000;

export interface SaliencyImage {
  index: number;
  label: number;
  predicted: number;
  /** max over the map before normalisation: max_pixel max_channel |d logit / d input|. */
  gradMax: number;
  /** H·W integers in [0, MAP_SCALE], row-major: normalised saliency × MAP_SCALE. */
  map: number[];
  /** base64 of H·W·3 bytes: pixels row-major, R G B each. */
  rgb: string;
}

export interface SaliencyJson extends RunIdentity {
  format: number;
  epoch: number;
  height: number;
  width: number;
  map: string; // how the map was made, for readers of the file
  mapScale: number; // MAP_SCALE
  classNames: string[];
  images: SaliencyImage[];
}

/** Test-set indices of the first `perClass` images of each class, class by class, in test order. */
export function panelIndices(labels: ArrayLike<number>, classes: number, perClass = PANEL_PER_CLASS): number[] {
  if (classes > PANEL_MAX_CLASSES) {
    classes = PANEL_MAX_CLASSES;
    perClass = 1;
  }
  const chosen: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (c >= 0 && c < classes && chosen[c].length < perClass) chosen[c].push(i);
  }
  return chosen.flat();
}

/** max over channels of |grad| ([C, H, W] → [H·W]). */
export function channelMaxAbs(grad: ArrayLike<number>, channels: number, pixels: number): Float64Array {
  const out = new Float64Array(pixels);
  for (let c = 0; c < channels; c++) for (let p = 0; p < pixels; p++) out[p] = Math.max(out[p], Math.abs(grad[c * pixels + p]));
  return out;
}

/** uint8 CHW → interleaved RGB (HWC): one channel is grey (repeated), two fill R and G. */
export function chwToRgb(image: ArrayLike<number>, pixels: number, channels = 3): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) out[p * 3 + c] = channels === 1 ? image[p] : c < channels ? image[c * pixels + p] : 0;
  }
  return out;
}

/** Base64 of bytes, in Node and in the browser alike. */
function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function saliencyImage(item: SaliencyItem, height = item.height ?? 32, width = item.width ?? 32): SaliencyImage {
  const pixels = height * width;
  const channels = item.grad.length / pixels;
  const raw = channelMaxAbs(item.grad, channels, pixels);
  const max = raw.reduce((a, b) => Math.max(a, b), 0);
  return {
    index: item.index,
    label: item.label,
    predicted: item.predicted,
    gradMax: Number(max.toPrecision(4)),
    map: Array.from(raw, (v) => (max > 0 ? Math.round((v / max) * MAP_SCALE) : 0)),
    rgb: base64(chwToRgb(item.image, pixels, item.image.length / pixels)),
  };
}

export function saliencyJson(cell: Cell, epoch: number, classNames: string[], items: SaliencyItem[]): SaliencyJson {
  return {
    format: SALIENCY_FORMAT,
    loss: cell.loss, label: cell.label, seed: cell.seed, data: cell.data, arch: cell.arch, epoch,
    dataset: cell.dataset,
    height: items[0]?.height ?? 32, width: items[0]?.width ?? 32,
    map: 'max over channels of |d logit[predicted] / d input|, divided by its maximum per image, times mapScale, rounded',
    mapScale: MAP_SCALE,
    classNames,
    images: items.map((it) => saliencyImage(it)),
  };
}

export interface SaliencyOutcome {
  /** The file relative to the study folder, or null when none was written. */
  path: string | null;
  error: string | null;
}
