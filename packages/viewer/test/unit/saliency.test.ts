import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LoadedRun } from '../../src/data/model.ts';
import { decodeBase64, parseSaliency, saliencyPanel, saliencySeeds } from '../../src/data/saliency.ts';
import type { RunEntry, SaliencyFile } from '../../src/format/types.ts';

const fixture = (f: string) => readFileSync(new URL(`../fixtures/study/${f}`, import.meta.url), 'utf8');
const CLASSES = ['airplane', 'automobile', 'bird'];

function file(label: string, images: [index: number, label: number, predicted: number][]): SaliencyFile {
  return {
    format: 1, loss: label.toLowerCase(), label, seed: 0, epoch: 1, height: 1, width: 2, mapScale: 1000, classNames: CLASSES,
    images: images.map(([index, l, predicted]) => ({ index, label: l, predicted, gradMax: 0.1, map: [250, 1000], rgb: btoa('\x01\x02\x03\x04\x05\x06') })),
  };
}

function run(label: string, seed: number, saliency?: SaliencyFile, status: RunEntry['status'] = 'done'): LoadedRun {
  return { run: { id: `${label}_s${seed}`, loss: label.toLowerCase(), label, seed, data: 'clean', arch: 'convnet', status, epochsDone: 1, epochs: 1, divergedEpoch: null, error: null, csv: '', final: '' }, rows: [], saliency };
}

describe('saliency files', () => {
  it('parses the fixture and refuses malformed ones', () => {
    const p = parseSaliency(fixture('seed_0/CE_saliency.json'), 'CE_saliency.json');
    expect(p.ok && p.value.images).toHaveLength(2 * (p.ok ? p.value.classNames.length : 0)); // two test images per class
    expect(p.ok && decodeBase64(p.value.images[0].rgb)).toHaveLength(3072);
    expect(parseSaliency('{"format": 1', 'x.json')).toMatchObject({ ok: false, error: expect.stringMatching(/not valid JSON/) });
    expect(parseSaliency('{"format": 2}', 'x.json')).toMatchObject({ ok: false, error: expect.stringMatching(/format 2 is not supported/) });
    const short = { ...file('CE', [[0, 0, 0]]), images: [{ index: 0, label: 0, predicted: 0, gradMax: 1, map: [1], rgb: '' }] };
    expect(parseSaliency(JSON.stringify(short), 'x.json')).toMatchObject({ ok: false, error: expect.stringMatching(/map does not have 1×2 values/) });
  });

  it('shapes one seed into images × losses, in the loss order, with the missing losses explained', () => {
    const runs = [
      run('CE', 0, file('CE', [[4, 0, 0], [7, 1, 2]])),
      run('L1', 0, file('L1', [[7, 1, 1], [4, 0, 1]])),
      run('Focal2', 0, undefined, 'diverged'),
      run('CE', 1, file('CE', [[4, 0, 0]])),
      run('L1', 1),
    ];
    expect(saliencySeeds(runs)).toEqual([0, 1]);
    const p = saliencyPanel(runs, ['CE', 'Focal2', 'L1'], 0, CLASSES);
    expect(p.labels).toEqual(['CE', 'Focal2', 'L1']);
    expect(p.rows.map((r) => [r.index, r.trueName])).toEqual([[4, 'airplane'], [7, 'automobile']]);
    expect(p.rows[1].cells.map((c) => c && [c.label, c.predictedName, c.correct])).toEqual([['CE', 'bird', false], null, ['L1', 'automobile', true]]);
    expect(Array.from(p.rows[0].cells[0]!.map)).toEqual([0.25, 1]);
    expect(p.missing).toEqual([{ label: 'Focal2', reason: 'run Focal2_s0 is diverged' }]);
    const s1 = saliencyPanel(runs, ['CE', 'Focal2', 'L1'], 1, CLASSES);
    expect(s1.rows).toHaveLength(1);
    expect(s1.missing.map((m) => m.label)).toEqual(['L1']);
  });
});
