/** Opening results without the server: a folder picker and a drop zone. */
import { filesSource, fromDrop, fromFileList } from '../../source/files.ts';
import type { ResultsSource } from '../../source/source.ts';
import { h } from '../dom.ts';

export function openPanel(onOpen: (source: ResultsSource) => void): HTMLElement {
  const input = h('input', { type: 'file', webkitdirectory: true, multiple: true, 'data-testid': 'folder-input',
    onchange: () => { const { files, name } = fromFileList(input.files!); onOpen(filesSource(files, name)); } });
  const zone = h('div', { class: 'dropzone', 'data-testid': 'dropzone' },
    h('p', {}, 'Drop a results folder (a study folder, or a folder of studies) here, or ',
      h('label', { class: 'button' }, 'choose a folder…', input)));
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    if (e.dataTransfer) void fromDrop(e.dataTransfer.items).then(({ files, name }) => onOpen(filesSource(files, name)));
  });
  return h('section', { class: 'card wide' }, h('header', {}, h('h3', {}, 'Open results')), zone);
}
