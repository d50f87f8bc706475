// The loss-definition language: bad definitions as data rows (one line naming the problem and
// where), good ones and the numerics rewrites the compiler must apply.
import { describe, expect, it } from 'vitest';
import { parseLoss, LossDefinitionError, LOSS_DEFINITIONS, RowEvaluator } from '../src/losses/index.ts';

/** [input, the error it must give (a substring, with the column where there is one)] */
const BAD: [string, string][] = [
  ['mypoly=ce + 2*(1-pp[y])', 'unknown name "pp" at column 18'],
  ['x=ce + pp', 'unknown name "pp" at column 8'],
  ['x=foo(p[y])', 'unknown function "foo" at column 3'],
  ['x=p[j]', 'index must be k or y, found "j" at column 5'],
  ['x=p[k]', 'p[k] outside sum_k(…) or max_k(…) at column 3'],
  ['x=sum_k(p[k]', 'expected ")" before the end at column 13'],
  ['x=ce +', 'expression ends too early at column 7'],
  ['x=ce $ 2', 'unexpected character "$" at column 6'],
  ['x=1 / p[y]', 'division by zero is possible at p[y] = 0: use clamp at column 5'],
  ['x=log(1 - p[y])', 'log of zero is possible at p[y] = 1: use clamp at column 3'],
  ['x=ce / 0', 'division by zero at column 6'],
  ['x=C + 1', 'loss is not differentiable in z'],
  ['x=t[y] * 2', 'loss is not differentiable in z'],
  ['x=p[y] ^ z[y]', 'an exponent must be a number or a parameter'],
  ['x=z[k]', 'z[k] outside sum_k'],
  ['x=sum_k(z[k]) + y', 'y is an index'],
  ['x=exp(z[y] * 1000)', 'the loss is Infinity at'],
  ['focal', 'parameter gamma missing'],
  ['focal:-1', 'gamma must be ≥ 0, got -1'],
  ['gce:0', 'q must be in (0, 1], got 0'],
  ['taylor:2.5', 'n must be a whole number'],
  ['x=focal(gamma=2, delta=1)', 'focal has no parameter delta'],
  ['x=focal', 'parameter gamma missing'],
  ['ce=p[y]', 'taken by a built-in loss'],
  ['x=x + ce', 'unknown name "x"'],
  ['nonsense', "unknown loss 'nonsense'"],
  ['x=sum_i(1, 100, pow(1 - p[y], i))', "sum_i's bounds"],
  ['x=max(ce)', 'max takes 2 arguments, got 1'],
];

describe('bad definitions: one line naming the problem and where', () => {
  for (const [input, message] of BAD) {
    it(input, () => {
      let err: unknown;
      try {
        parseLoss(input);
      } catch (e) {
        err = e;
      }
      expect(err, `${input} was accepted`).toBeInstanceOf(LossDefinitionError);
      const msg = (err as Error).message;
      expect(msg).toContain(message);
      expect(msg.includes('\n')).toBe(false);
    });
  }
});

/** [input, name, label, value at z = (2, 0, −1), y = 0] — values worked by hand. */
const GOOD: [string, string, string, number][] = [
  ['mypoly=ce + 2*(1-p[y])', 'mypoly', 'mypoly', 0], // filled below from CE
  ['myce=-log(p[y])', 'myce', 'myce', 0],
  ['poly1', 'poly1', 'Poly1-1', 0],
  ['poly1:2', 'poly1:2', 'Poly1-2', 0],
  ['sce:alpha=0.5', 'sce:0.5,1', 'SCE-0.5-1', 0],
  ['focal0.5', 'focal:0.5', 'Focal0.5', 0],
  ['l1logits', 'l1-logits', 'L1logits', 0],
  ['w(a=3)=a*ce + max_k(z[k]) - z[y]', 'w', 'w', 0],
];

describe('good definitions', () => {
  const z = [2, 0, -1];
  const lse = Math.log(Math.exp(2) + 1 + Math.exp(-1));
  const ce = lse - 2;
  const py = Math.exp(-ce);
  const expected: Record<string, number> = {
    mypoly: ce + 2 * (1 - py), myce: ce, poly1: ce + (1 - py), 'poly1:2': ce + 2 * (1 - py),
    'sce:0.5,1': 0.5 * ce + 4 * (1 - py), 'focal:0.5': Math.sqrt(1 - py) * ce, 'l1-logits': (1 + 0 + 1) / 3, w: 3 * ce,
  };
  for (const [input, name, label] of GOOD) {
    it(input, () => {
      const s = parseLoss(input);
      expect(s.name).toBe(name);
      expect(s.label).toBe(label);
      const v = new RowEvaluator(z, 0).scalar(s.compiled.value);
      expect(Math.abs(v - expected[name])).toBeLessThan(1e-12);
    });
  }

  it('a user loss is stored as its definition line and parses back to the same code', () => {
    const s = parseLoss('mypoly = ce + 2*(1-p[y])');
    expect(s.source).toBe('mypoly=ce + 2*(1-p[y])');
    expect(parseLoss(s.source).compiled.key).toBe(s.compiled.key);
    expect(s.user).toBe(true);
  });

  it('every registered loss compiles, has help text and, for the zoo, a citation', () => {
    for (const d of LOSS_DEFINITIONS) {
      expect(d.help, d.name).toBeTruthy();
      if (d.zoo) expect(d.citation, d.name).toBeTruthy();
    }
  });
});

describe('numerics rewrites', () => {
  const atoms = (input: string) => parseLoss(input).compiled.wgsl;
  it('log p[y] is −ce, 1 − p[y] is q, p[y]^a is exp(−a·ce), 1 − exp(−x) a series: GCE needs no log of a probability', () => {
    const code = atoms('gce:0.7');
    expect(code).toContain('oneMinusExpNeg');
    expect(code).not.toMatch(/\blog\(/);
    expect(atoms('x=-log(p[y])')).toContain('LossRow(ce,');
    expect(parseLoss('x=1 - p[y]').compiled.torch).toBe('q');
  });
  it('CE compiles to the hand-written kernel\'s arithmetic: loss ce, gradient p_j and −q', () => {
    const code = atoms('ce');
    expect(code).toContain('let s9 = -q;');
    expect(code).toMatch(/let v\d+_k = exp\(logitAt\(i, k\) - mx\) \* inv;/);
  });
  it('focal 0.5: no q^(−1/2) in the gradient (rewritten to q^(1/2)·ce/q)', () => {
    const code = atoms('focal:0.5');
    expect(code).not.toMatch(/1\.0 \/ sqrt\(q\)/);
    expect(code).toMatch(/let (s\d+) = sqrt\(q\);[\s\S]*= \1 \* r;/);
  });
  it('pow with small integer and half exponents is exact multiplication and sqrt', () => {
    expect(atoms('x=pow(1 - p[y], 3) * ce')).toContain('(1.0 * q * q * q)');
    expect(atoms('x=pow(1 - p[y], 1.5) * ce')).toMatch(/\(q \* sqrt\(q\)\)/);
  });
});
