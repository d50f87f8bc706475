/** losslab plot's figures and losslab report's HTML, made from the fixture study outside a browser. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { loadFolders, reportHtml, studyFigures, toPng } from '../src/render/index.ts';
import type { Summary } from '../src/format/types.ts';
import { FIXTURE } from './helpers.ts';
import { curveChart } from '../src/ui/charts/curves.ts';
import { bandCaption } from '../src/data/bands.ts';
import { metricInfo } from '../src/format/metrics.ts';
import { groupRuns } from '../src/data/group.ts';
import { summaryFromRuns } from '../src/data/summary.ts';

/** Width and height from a PNG's IHDR chunk (after checking the signature). */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect(png.subarray(12, 16).toString()).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('losslab plot figures', async () => {
  const { data } = await loadFolders([FIXTURE]);
  const figures = studyFigures(data);
  const byName = new Map(figures.map((f) => [f.name, f]));

  it('are curves of every metric, the summary, per-class F1, and per loss a confusion matrix and reliability diagram', () => {
    expect([...byName.keys()].sort()).toEqual([
      'confusion_CE', 'confusion_Focal2', 'curve_ece', 'curve_f1', 'curve_test_acc', 'curve_test_loss', 'curve_test_nll', 'curve_train_acc', 'curve_train_loss',
      'per_class_f1', 'reliability_CE', 'reliability_Focal2', 'summary']);
  });

  it('are ready for a paper: y axis with its unit, a caption of what the band is and how many seeds', () => {
    const acc = parseHTML(byName.get('curve_test_acc')!.svg).document;
    expect(Array.from(acc.querySelectorAll('g[aria-label="y-axis label"] text'), (t) => t.textContent).join('')).toContain('test accuracy (fraction correct)');
    expect(acc.querySelector('text.chart-caption')!.textContent).toBe('line: mean over seeds; band: ± 1 sample std across seeds; n = 2 seeds per line.');
    expect(parseHTML(byName.get('curve_test_nll')!.svg).document.querySelector('g[aria-label="y-axis label"]')!.textContent).toContain('nats');
    expect(parseHTML(byName.get('per_class_f1')!.svg).document.querySelector('text.chart-caption')!.textContent).toMatch(/± 1 sample std across seeds; n = 2 seeds per loss/);
    // Confusion matrices: percentages of each true class on one 0–100% scale with its legend, not raw counts.
    const conf = parseHTML(byName.get('confusion_CE')!.svg).document;
    expect(conf.querySelector('g.color-legend')!.textContent).toContain('100%');
    const finals = ['seed_0', 'seed_1'].map((s) => JSON.parse(readFileSync(join(FIXTURE, s, 'CE_final.json'), 'utf8')) as { confusion: number[][] });
    const rate = (f: { confusion: number[][] }) => f.confusion[0][0] / f.confusion[0].reduce((a, b) => a + b, 0);
    const texts = Array.from(conf.querySelectorAll('g[aria-label=text] text'), (t) => t.textContent);
    expect(texts[0]).toBe((((rate(finals[0]) + rate(finals[1])) / 2) * 100).toFixed(((rate(finals[0]) + rate(finals[1])) / 2) >= 0.095 ? 0 : 1));
  });

  it('the summary fits a column: at most 600 px (1,200 px as PNG) with each mean\'s 95% CI', async () => {
    const f = byName.get('summary')!;
    const w = Number(/<svg[^>]* width="(\d+(?:\.\d+)?)"/.exec(f.svg)![1]);
    expect(w).toBeLessThanOrEqual(600);
    expect(pngSize(await toPng(f.svg)).width).toBeLessThanOrEqual(1200);
    expect(f.svg).toContain('95% CI');
  });

  it('are well-formed SVG documents with title, legend and labels', () => {
    for (const f of figures) {
      expect(f.svg, f.name).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg[^>]* xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      const { document } = parseHTML(f.svg.replace(/^<\?xml[^>]*>\n/, ''));
      const svg = document.querySelector('svg')!;
      expect(svg, f.name).toBeTruthy();
      expect(Number(svg.getAttribute('width')), f.name).toBeGreaterThan(100);
      expect(svg.textContent, f.name).toContain(f.title);
    }
    const acc = parseHTML(byName.get('curve_test_acc')!.svg).document;
    expect(Array.from(acc.querySelectorAll('g.chart-head text'), (t) => t.textContent)).toEqual(['Test accuracy', 'CE', 'Focal2']);
    expect(acc.querySelectorAll('g[aria-description=mean] path')).toHaveLength(2);
    expect(acc.querySelectorAll('g[aria-description=labels] text')).toHaveLength(2);
  });

  it('the summary table shows summary.json\'s numbers', () => {
    const summary = JSON.parse(readFileSync(join(FIXTURE, 'summary.json'), 'utf8')) as Summary;
    const text = byName.get('summary')!.svg;
    for (const r of summary.groups[0].rows) expect(text).toContain(r.final.test_acc!.mean.toFixed(4));
    const focal = summary.groups[0].rows[1].vsCE!.test_acc!;
    // Two seeds: Δ with its (wide) Student-t CI and "not tested" — a 2-seed bootstrap would be misleadingly narrow.
    expect(text).toContain(`[${focal.ci95![0].toFixed(4)}, ${focal.ci95![1].toFixed(4)}], n=2: untested`);
    expect(text).not.toContain(`[${focal.bootstrapCi95![0].toFixed(4)}, ${focal.bootstrapCi95![1].toFixed(4)}]`);
  });

  it('rasterise to PNG at twice their size', async () => {
    const dump = process.env.LOSSLAB_FIGURES_DIR; // to look at them: LOSSLAB_FIGURES_DIR=/some/dir npx vitest run test/render.test.ts
    if (dump) for (const f of figures) writeFileSync(join(dump, `${f.name}.png`), await toPng(f.svg));
    for (const name of ['curve_test_acc', 'summary', 'confusion_CE']) {
      const f = byName.get(name)!;
      const w = Number(/<svg[^>]* width="(\d+(?:\.\d+)?)"/.exec(f.svg)![1]);
      const size = pngSize(await toPng(f.svg));
      expect(size.width, name).toBe(Math.round(2 * w));
      expect(size.height, name).toBeGreaterThan(100);
    }
    await expect(toPng('<svg')).rejects.toThrow(); // the rasteriser refuses what is not SVG: the check above can fail
  });
});

describe('losslab report HTML', () => {
  const app = '<!doctype html><html><head><title>LossLab viewer</title><script type="module">/*app*/</script></head><body><div id="app"></div></body></html>';

  it('embeds every file the viewer reads, safely inside a script, and opens the study', async () => {
    const html = await reportHtml(app, [FIXTURE], 'fixture </script><b>');
    const json = /<script type="application\/json" id="losslab-embedded">([\s\S]*?)<\/script>/.exec(html)![1];
    expect(json).not.toContain('</');
    const v = JSON.parse(json) as { files: Record<string, string>; open: string[]; title: string };
    expect(v.open).toEqual(['']);
    expect(Object.keys(v.files)).toEqual(expect.arrayContaining(['study.json', 'summary.json', 'seed_0/CE_results.csv', 'seed_1/Focal2_final.json']));
    expect(v.files['seed_0/CE_results.csv']).toBe(readFileSync(join(FIXTURE, 'seed_0/CE_results.csv'), 'utf8'));
    expect(v.title).toBe('fixture </script><b>');
    expect(html).toContain('<title>fixture /script>b> · LossLab report</title>');
  });

  it('refuses a folder that is not a study', async () => {
    await expect(reportHtml(app, [join(FIXTURE, 'seed_0')], 'x')).rejects.toThrow(/holds no study\.json/);
  });
});

describe('one source of truth for the statistics', () => {
  it('the viewer\'s own summary of a finished study equals the CLI\'s summary.json (same code)', async () => {
    const { data } = await loadFolders([FIXTURE]);
    const summary = JSON.parse(readFileSync(join(FIXTURE, 'summary.json'), 'utf8')) as Summary;
    const [mine] = summaryFromRuns(groupRuns(data.runs, ['ce', 'focal:2']), summary.metrics);
    for (const row of summary.groups[0].rows) {
      const m = mine.rows.find((r) => r.label === row.label)!;
      expect(m.n).toBe(row.n);
      for (const k of summary.metrics) {
        expect(m.final[k]!.mean, `${row.label} ${k}`).toBeCloseTo(row.final[k]!.mean, 12);
        expect(m.final[k]!.std!, `${row.label} ${k}`).toBeCloseTo(row.final[k]!.std!, 12);
        expect(m.final[k]!.ci95![0]).toBeCloseTo(row.final[k]!.ci95![0], 12);
        const d = row.vsCE?.[k];
        if (d) expect(m.vsCE![k]!.pValue!, `${row.label} ${k}`).toBeCloseTo(d.pValue!, 12);
        else expect(m.vsCE?.[k]).toBeUndefined();
      }
    }
  });
});

describe('a series evaluated once', () => {
  it('is drawn with its spread (± std as an error bar) and its label beside it, not on the dot', () => {
    const { document } = parseHTML('<!doctype html><html><body></body></html>');
    const band = [{ label: 'resnet20-short', epoch: 164, mean: 0.9, std: 0.03, lo: 0.87, hi: 0.93, n: 5 }];
    const svg = curveChart({ metric: metricInfo('test_acc'), labels: ['resnet20-short'], band, seeds: [], showSeeds: false, log: false, totalEpochs: 164, document: document as unknown as Document, caption: bandCaption(band, ['resnet20-short']) });
    expect(svg.querySelectorAll('g[aria-description=spread] line')).toHaveLength(1);
    expect(svg.querySelectorAll('g[aria-description=single] circle')).toHaveLength(1);
    const dot = svg.querySelector('g[aria-description=single] circle')!;
    const label = svg.querySelector('g[aria-description=labels] text')!;
    expect(Number(label.getAttribute('x')) - Number(dot.getAttribute('cx') ?? 0)).toBeGreaterThanOrEqual(10);
    expect(svg.querySelector('text.chart-caption')!.textContent).toContain('n = 5 seeds');
  });
});
