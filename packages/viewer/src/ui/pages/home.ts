/** The study list of a results folder. */
import { h, message } from '../dom.ts';

export function homePage(studies: string[], where: string): HTMLElement {
  if (!studies.length) {
    return message('info', 'No study here yet.', ` ${where} holds no study.json. Start one with \`losslab run\`; this page checks again every few seconds.`);
  }
  return h('section', { class: 'card wide' }, h('header', {}, h('h3', {}, 'Studies')),
    h('ul', { class: 'studies', 'data-testid': 'study-list' }, studies.map((s) =>
      h('li', {}, h('a', { href: `#/s/${encodeURIComponent(s)}/overview` }, s || '(this folder)')))));
}
