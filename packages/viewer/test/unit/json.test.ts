import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFinal, parseStudy, parseSummary } from '../../src/data/json.ts';

const fixture = (f: string) => readFileSync(new URL(`../fixtures/study/${f}`, import.meta.url), 'utf8');

describe('parseStudy', () => {
  it('reads the fixture', () => {
    const p = parseStudy(fixture('study.json'));
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.value.runs.map((r) => r.label)).toEqual(['CE', 'Focal2', 'CE', 'Focal2']);
    expect(p.value.classNames).toHaveLength(10);
  });

  it('explains JSON that does not parse', () => {
    const p = parseStudy('{"format": 1, "runs": [');
    expect(p.ok).toBe(false);
    expect(!p.ok && p.error).toMatch(/^study\.json is not valid JSON \(.*\)\. It may have been cut short/);
  });

  it('refuses other formats and a missing runs list', () => {
    expect(parseStudy('{"format": 2, "runs": []}')).toMatchObject({ ok: false, error: expect.stringMatching(/format 2 is not supported/) });
    expect(parseStudy('{"format": 1}')).toMatchObject({ ok: false, error: expect.stringMatching(/no "runs" list/) });
  });

  it('leaves out a broken run with a warning', () => {
    const p = parseStudy('{"format": 1, "status": "running", "runs": [{"id": "x"}]}');
    expect(p).toMatchObject({ ok: true, value: { runs: [] }, warnings: [expect.stringMatching(/runs\[0\]\.loss is missing/)] });
  });
});

describe('parseFinal / parseSummary', () => {
  it('reads the fixture and checks the matrix size', () => {
    expect(parseFinal(fixture('seed_0/CE_final.json'), 'CE_final.json', 10).ok).toBe(true);
    expect(parseFinal(fixture('seed_0/CE_final.json'), 'CE_final.json', 3)).toMatchObject({ ok: false, error: expect.stringMatching(/not 3×3/) });
    expect(parseSummary(fixture('summary.json')).ok).toBe(true);
    expect(parseSummary('{"groups": 3}').ok).toBe(false);
    const early = '{"status": "diverged", "epoch": null, "confusion": null, "perClass": [], "calibration": null}';
    expect(parseFinal(early, 'L1_final.json', 10)).toMatchObject({ ok: false, error: expect.stringMatching(/diverged before any evaluation/) });
  });
});
