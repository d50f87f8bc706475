/** The study list of a results folder; several studies can be opened together (merged or compared). */
import { routeHash } from '../route.ts';
import { h, message } from '../dom.ts';
import { fmtTime } from '../format.ts';
import type { StudyBrief } from '../../source/load.ts';

function brief(b: StudyBrief | undefined): (HTMLElement | string)[] {
  if (!b) return [];
  if (!b.ok) return [h('span', { class: 'note' }, ` — cannot be read: ${b.message}`)];
  return [' ', h('span', { class: `badge ${b.status}` }, b.status), h('span', { class: 'note' },
    ` ${b.name} · ${b.done}/${b.runs} runs done · ${b.losses.join(', ') || 'no runs yet'}${b.startedAt ? ` · started ${fmtTime(b.startedAt)}` : ''}`)];
}

export function homePage(studies: string[], where: string, live: boolean, briefs: ReadonlyMap<string, StudyBrief> = new Map()): HTMLElement {
  if (!studies.length) {
    return message('info', 'No study here yet.', ` ${where} holds no study.json. Start one with \`losslab run\`${live ? '; this page checks again every few seconds' : ''}.`);
  }
  const picked = new Set<string>();
  const together = h('a', { class: 'button disabled', 'data-testid': 'open-together', 'aria-disabled': 'true', href: '#/' }, 'View selected together');
  const sync = () => {
    const list = studies.filter((s) => picked.has(s));
    together.classList.toggle('disabled', list.length < 2);
    together.setAttribute('aria-disabled', String(list.length < 2));
    together.setAttribute('href', list.length >= 2 ? routeHash({ kind: 'study', studies: list, page: 'curves' }) : '#/');
  };
  return h('section', { class: 'card wide' }, h('header', {}, h('h2', {}, 'Study folders')),
    h('p', { class: 'note' }, 'Tick several folders to see them as one: parts of one study (seeds or shards run separately) merge; studies whose settings differ are compared side by side, grouped by a setting.'),
    h('ul', { class: 'studies', 'data-testid': 'study-list' }, studies.map((s) =>
      h('li', {},
        h('input', { type: 'checkbox', 'aria-label': `select ${s || 'this folder'}`, 'data-testid': `pick-${s}`,
          onchange: (e: Event) => { if ((e.target as HTMLInputElement).checked) picked.add(s); else picked.delete(s); sync(); } }),
        ' ', h('a', { href: routeHash({ kind: 'study', studies: [s], page: 'overview' }) }, s || '(this folder)'), ...brief(briefs.get(s))))),
    h('p', {}, together));
}
