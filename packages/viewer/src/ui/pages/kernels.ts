/** Kernel check: the kernels' test tables on this browser's WebGPU adapter, case by case. */
import { toCsv } from '../../data/csv.ts';
import { tableCard } from '../card.ts';
import { h, message } from '../dom.ts';
import type { CheckRow } from '../../kernels/check.ts';

export function kernelsPage(): HTMLElement {
  const status = h('p', { class: 'note', 'data-testid': 'kernel-status' }, 'Requesting a WebGPU adapter…');
  const adapterBox = h('div', {});
  const body = h('tbody', {});
  const rows: CheckRow[] = [];
  const header = ['case', 'op', 'source', 'result', 'max abs error', 'max rel error', 'ms', 'details'];
  const table = h('table', { class: 'data', 'data-testid': 'kernel-table' }, h('thead', {}, h('tr', {}, header.map((c) => h('th', {}, c)))), body);
  const csv = () => toCsv(header, rows.map((r) => [r.name, r.op, r.source, r.pass ? 'pass' : 'fail', r.maxAbs, r.maxRel, r.ms, r.error ?? r.checks.filter((k) => !k.pass).map((k) => k.output).join(' ')]));
  const page = h('div', { class: 'page' },
    h('p', { class: 'note' }, 'Runs @losslab/kernels\' table and randomised test cases on this browser\'s own WebGPU adapter and compares each output with its expected values within the kernels\' tolerances.'),
    adapterBox, status, tableCard('Cases', 'kernel_check', table, csv));

  void (async () => {
    try {
      const { prepareCheck } = await import('../../kernels/check.ts');
      const check = await prepareCheck();
      const a = check.adapter;
      adapterBox.replaceChildren(h('section', { class: 'card', 'data-testid': 'kernel-adapter' }, h('header', {}, h('h2', {}, 'Adapter')),
        h('p', {}, h('strong', {}, check.adapterText)),
        h('p', { class: 'note' }, `vendor “${a.vendor}”, architecture “${a.architecture}”, device “${a.device}”, description “${a.description}”`)));
      status.textContent = `Running ${check.cases.length} cases…`;
      await check.run((r) => {
        rows.push(r);
        const failed = r.checks.filter((k) => !k.pass);
        body.append(h('tr', { class: r.pass ? 'pass' : 'fail', 'data-result': r.pass ? 'pass' : 'fail' },
          h('td', {}, r.name), h('td', {}, r.op), h('td', {}, r.source),
          h('td', {}, h('span', { class: `badge ${r.pass ? 'done' : 'failed'}` }, r.pass ? 'pass' : 'FAIL')),
          h('td', {}, Number.isFinite(r.maxAbs) ? r.maxAbs.toExponential(2) : String(r.maxAbs)),
          h('td', {}, Number.isFinite(r.maxRel) ? r.maxRel.toExponential(2) : String(r.maxRel)),
          h('td', {}, r.ms.toFixed(1)),
          h('td', {}, r.error ?? failed.map((k) => `${k.output}: ${k.message ?? (k.worst ? `[${k.worst.index}] ${k.worst.actual} vs ${k.worst.expected}` : '')}`).join('; '))));
      });
      const failed = rows.filter((r) => !r.pass).length;
      status.textContent = `${rows.length - failed} passed, ${failed} failed (${rows.length} cases).`;
      status.dataset.done = failed ? 'fail' : 'pass';
    } catch (e) {
      status.replaceWith(message('error', 'The kernel check could not run.', ' ', (e as Error).message));
    }
  })();
  return page;
}
