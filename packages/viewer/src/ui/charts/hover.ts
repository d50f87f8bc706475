/**
 * Hover read-out for curve charts: a vertical line at the hovered epoch on every chart of a group
 * (synced), and on the hovered chart a tooltip listing every series at that epoch. Works with the
 * keyboard too: focus a chart, then ← / → move the epoch and Esc clears it.
 */
import type { BandPoint } from '../../data/bands.ts';
import { colorOf } from './palette.ts';

type Listener = (epoch: number | null, source: SVGSVGElement | null) => void;

export interface HoverBus {
  /** `owner`: the chart listening; once it has left the page (a redraw replaced it) its listener is dropped. */
  on(l: Listener, owner: Element): void;
  emit(epoch: number | null, source: SVGSVGElement | null): void;
}

export function hoverBus(): HoverBus {
  const ls = new Map<Listener, Element>();
  return {
    on: (l, owner) => void ls.set(l, owner),
    emit: (e, s) => ls.forEach((owner, l) => (owner.isConnected ? l(e, s) : ls.delete(l))),
  };
}

const fmtV = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 0.001 || v === 0 ? v.toFixed(4) : v.toExponential(2)) : String(v));

/** The tooltip's lines at `epoch`: every series, best first for a metric with a direction. */
export function tooltipLines(band: readonly BandPoint[], raw: readonly BandPoint[], epoch: number, better: 'max' | 'min' | null): { label: string; text: string }[] {
  const rawOf = new Map(raw.filter((r) => r.epoch === epoch).map((r) => [r.label, r.mean]));
  const at = band.filter((b) => b.epoch === epoch);
  if (better) at.sort((a, b) => (better === 'max' ? b.mean - a.mean : a.mean - b.mean));
  return at.map((b) => ({
    label: b.label,
    text: `${fmtV(b.mean)}${b.n > 1 ? ` ± ${fmtV(b.std)} (${b.n} seeds)` : ' (1 seed)'}${rawOf.has(b.label) ? `, raw ${fmtV(rawOf.get(b.label)!)}` : ''}`,
  }));
}

export function attachHover(svg: SVGSVGElement, card: HTMLElement, band: BandPoint[], raw: BandPoint[], better: 'max' | 'min' | null, bus: HoverBus): void {
  const d = svg.dataset;
  const [x0, x1, e1, top, bottom] = [d.x0, d.x1, d.e1, d.top, d.bottom].map(Number);
  const maxEpoch = Math.max(1, ...band.map((b) => b.epoch));
  const xOf = (e: number) => x0 + ((e - 1) / (e1 - 1)) * (x1 - x0);
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'line');
  Object.entries({ y1: top, y2: bottom, stroke: '#1d2330', 'stroke-width': 1, 'stroke-dasharray': '3,3', visibility: 'hidden', 'pointer-events': 'none', class: 'hover-line' })
    .forEach(([k, v]) => line.setAttribute(k, String(v)));
  svg.append(line);
  const tip = document.createElement('div');
  tip.className = 'tooltip';
  tip.hidden = true;
  tip.setAttribute('role', 'status');
  tip.dataset.testid = 'tooltip';
  card.append(tip);
  let current: number | null = null;

  bus.on((epoch, source) => {
    current = epoch;
    line.setAttribute('visibility', epoch === null ? 'hidden' : 'visible');
    if (epoch !== null) { line.setAttribute('x1', String(xOf(epoch))); line.setAttribute('x2', String(xOf(epoch))); }
    if (epoch === null || source !== svg) { tip.hidden = true; return; }
    const lines = tooltipLines(band, raw, epoch, better);
    tip.replaceChildren(Object.assign(document.createElement('strong'), { textContent: `epoch ${epoch}` }),
      ...lines.map((l) => {
        const row = document.createElement('div');
        const sw = document.createElement('span');
        sw.className = 'swatch';
        sw.style.background = colorOf(l.label);
        row.append(sw, `${l.label}: ${l.text}`);
        return row;
      }));
    tip.hidden = false;
    const box = svg.getBoundingClientRect();
    const scale = box.width / (svg.viewBox.baseVal?.width || box.width);
    const px = xOf(epoch) * scale;
    const cardBox = card.getBoundingClientRect();
    const left = box.left - cardBox.left + px;
    tip.style.top = `${box.top - cardBox.top + top * scale}px`;
    tip.style.left = left > cardBox.width / 2 ? '' : `${left + 12}px`;
    tip.style.right = left > cardBox.width / 2 ? `${cardBox.width - left + 12}px` : '';
    // Kept inside the card (a phone's narrow chart): pulled back from whichever edge it crosses.
    const t = tip.getBoundingClientRect();
    if (t.right > cardBox.right - 4) { tip.style.left = ''; tip.style.right = '4px'; }
    if (t.left < cardBox.left + 4) { tip.style.right = ''; tip.style.left = '4px'; }
  }, svg);

  const epochAt = (clientX: number) => {
    const box = svg.getBoundingClientRect();
    const x = (clientX - box.left) * ((svg.viewBox.baseVal?.width || box.width) / box.width);
    return Math.max(1, Math.min(maxEpoch, Math.round(1 + ((x - x0) / (x1 - x0)) * (e1 - 1))));
  };
  svg.addEventListener('pointermove', (e) => { const ep = epochAt(e.clientX); if (ep !== current) bus.emit(ep, svg); });
  // A tap on a touch screen fires no pointermove: the tap itself reads out its epoch, and the
  // read-out stays until another tap (touch "leaves" right after lifting the finger).
  svg.addEventListener('pointerdown', (e) => bus.emit(epochAt(e.clientX), svg));
  svg.addEventListener('pointerleave', (e) => { if (e.pointerType === 'mouse') bus.emit(null, null); });
  svg.setAttribute('tabindex', '0');
  svg.addEventListener('keydown', (e) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (e.key === 'Escape') bus.emit(null, null);
    if (!step) return;
    e.preventDefault();
    bus.emit(Math.max(1, Math.min(maxEpoch, (current ?? (step > 0 ? 0 : maxEpoch + 1)) + step)), svg);
  });
  svg.addEventListener('blur', () => { if (current !== null) bus.emit(null, null); });
}
