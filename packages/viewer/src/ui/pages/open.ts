/** Opening results without the server: a folder picker and a drop zone. */
import { fromDrop, fromFileList, readAll } from '../../source/files.ts';
import { h } from '../dom.ts';

export type OnPicked = (texts: Map<string, string>, name: string) => void;

export function openPanel(onOpen: OnPicked): HTMLElement {
  const opened = async (p: Promise<{ files: Map<string, File>; name: string }>) => {
    const { files, name } = await p;
    onOpen(await readAll(files), name);
  };
  const input = h('input', { type: 'file', webkitdirectory: true, multiple: true, 'data-testid': 'folder-input',
    onchange: () => void opened(Promise.resolve(fromFileList(input.files!))) });
  const zone = h('div', { class: 'dropzone', 'data-testid': 'dropzone' },
    h('p', {}, 'Drop a results folder (a study folder, or a folder of studies) here, or ',
      h('label', { class: 'button' }, 'choose a folder…', input)));
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    if (e.dataTransfer) void opened(fromDrop(e.dataTransfer.items));
  });
  return h('section', { class: 'card wide' }, h('header', {}, h('h2', {}, 'Open results')), zone);
}
