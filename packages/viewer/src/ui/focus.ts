/**
 * Keeps keyboard focus across a re-render (a poll that brings a new epoch, a sort): the element
 * that had focus is found again in the new page by its test id, id or accessible name.
 */
function keyOf(el: Element): string | null {
  for (const a of ['data-testid', 'id', 'data-focus-key']) {
    const v = el.getAttribute(a);
    if (v) return `[${a}="${CSS.escape(v)}"]`;
  }
  return null;
}

export function keepFocus(root: HTMLElement, redraw: () => void): void {
  const active = document.activeElement;
  const key = active && root.contains(active) ? keyOf(active) : null;
  redraw();
  if (!key) return;
  const again = root.querySelector<HTMLElement>(key);
  again?.focus({ preventScroll: true });
}
