/** Small pixel pictures on canvases: an RGB image and a [0, 1] heatmap (Observable Plot's inferno scheme), scaled up without smoothing. */
import * as Plot from '@observablehq/plot';

let lut: Uint8ClampedArray | null = null;

/** 256 RGB entries of the 'inferno' colour scheme, from Plot's own colour scale. */
function heatLut(): Uint8ClampedArray {
  if (lut) return lut;
  const scale = Plot.scale({ color: { type: 'linear', scheme: 'inferno', domain: [0, 1] } });
  const out = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const c = String(scale.apply(i / 255));
    const hex = /^#([0-9a-f]{6})$/i.exec(c);
    const rgb = hex ? [0, 2, 4].map((k) => parseInt(hex[1].slice(k, k + 2), 16)) : (c.match(/\d+/g) ?? ['0', '0', '0']).slice(0, 3).map(Number);
    out.set(rgb, i * 3);
  }
  return (lut = out);
}

function canvasOf(width: number, height: number, zoom: number, fill: (px: Uint8ClampedArray) => void, cls: string, title: string): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.className = cls;
  canvas.title = title;
  canvas.style.width = `${width * zoom}px`;
  canvas.style.height = `${height * zoom}px`;
  const ctx = canvas.getContext('2d');
  if (ctx) {
    const img = ctx.createImageData(width, height);
    fill(img.data);
    ctx.putImageData(img, 0, 0);
  }
  return canvas;
}

/** `rgb`: width·height·3 bytes, row-major, interleaved. */
export function rgbCanvas(rgb: Uint8Array, width: number, height: number, zoom: number, title: string): HTMLCanvasElement {
  return canvasOf(width, height, zoom, (px) => {
    for (let p = 0; p < width * height; p++) {
      px.set(rgb.subarray(p * 3, p * 3 + 3), p * 4);
      px[p * 4 + 3] = 255;
    }
  }, 'pixels saliency-image', title);
}

/** `map`: width·height values in [0, 1], row-major. */
export function heatCanvas(map: ArrayLike<number>, width: number, height: number, zoom: number, title: string): HTMLCanvasElement {
  const colors = heatLut();
  return canvasOf(width, height, zoom, (px) => {
    for (let p = 0; p < width * height; p++) {
      const k = Math.max(0, Math.min(255, Math.round(map[p] * 255))) * 3;
      px[p * 4] = colors[k];
      px[p * 4 + 1] = colors[k + 1];
      px[p * 4 + 2] = colors[k + 2];
      px[p * 4 + 3] = 255;
    }
  }, 'pixels saliency-map', title);
}
