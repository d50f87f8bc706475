// The PyTorch back end of the loss compiler (the expression `parity --trajectory` sends for a
// user's loss) against the hand-written losses.py, value and autograd gradient in float64, for
// every built-in and zoo loss: the generated code and the paper-written code must agree.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseLoss } from '@losslab/kernels';
import { PYTHON, torchAvailable } from '../src/bench/torch.ts';
import { GRADCHECK_DEFAULT } from '../src/commands/gradcheck.ts';

const torch = await torchAvailable();
const PY = fileURLToPath(new URL('../../nn/python', import.meta.url));

const SCRIPT = `
import json, sys, torch
sys.path.insert(0, sys.argv[1])
from losslab_torch import make_loss
cases = json.loads(sys.stdin.read())
torch.manual_seed(0)
out = []
for name, expr in cases:
    worst = 0.0
    for c, scale in ((10, 3.0), (10, 30.0), (100, 3.0)):
        z = (scale * torch.randn(16, c, dtype=torch.float64)).requires_grad_(True)
        y = torch.randint(0, c, (16,))
        a = make_loss(name)(z, y); (ga,) = torch.autograd.grad(a, z)
        b = make_loss(name, expr)(z, y); (gb,) = torch.autograd.grad(b, z)
        worst = max(worst, abs(a.item() - b.item()) / max(abs(a.item()), 1e-12),
                    ((ga - gb).abs().max() / ga.abs().max().clamp(min=1e-12)).item())
    out.append([name, worst])
print(json.dumps(out))
`;

describe.skipIf(!torch)('generated PyTorch expressions = hand-written losses.py (float64, value and gradient)', () => {
  it('every built-in and zoo loss', () => {
    const cases = GRADCHECK_DEFAULT.map((n) => [n, parseLoss(n).compiled.torch]);
    const r = spawnSync(PYTHON, ['-c', SCRIPT, PY], { input: JSON.stringify(cases), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const worst = JSON.parse(r.stdout) as [string, number][];
    expect(worst.length).toBe(GRADCHECK_DEFAULT.length);
    for (const [name, w] of worst) expect(w, name).toBeLessThan(1e-10);
  });
});
if (!torch) console.warn('[experiments] generated-expression check skipped: no python3 with torch');
