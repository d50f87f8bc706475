/**
 * The study's ConvNet in float64 on the CPU, composed from the kernels' float64 references:
 * conv C→4 k3, ReLU, pool 2, conv 4→8 k3, ReLU, pool 2, fc →32, ReLU, fc 32→classes, for square
 * C×H×H inputs (3×32×32 and 10 classes by default: fc1 reads 288 features).
 * forward() keeps what backwardInput() needs; backwardInput() gives d Σ(dlogits·logits) / d x.
 */
import {
  conv2dRef, conv2dBackwardRef, maxpool2dRef, maxpool2dBackwardRef, matmulRef, reluBackwardRef, type Conv2dRefShape,
} from '@losslab/kernels';

type Params = Record<string, { data: ArrayLike<number> }>;

const conv = (n: number, cin: number, h: number, cout: number): Conv2dRefShape => ({ n, cin, h, w: h, cout, kh: 3, kw: 3, stride: 1, pad: 0 });
const pool = (n: number, c: number, h: number) => ({ n, c, h, w: h, kernel: 2, stride: 2 });

export function convNetRef(p: Params, n: number, channels = 3, size = 32, classes = 10) {
  const h1 = size - 2, h2 = Math.floor(h1 / 2) - 2, flat = 8 * Math.floor(h2 / 2) ** 2;
  const s1 = conv(n, channels, size, 4), p1 = pool(n, 4, h1), s2 = conv(n, 4, Math.floor(h1 / 2), 8), p2 = pool(n, 8, h2);
  const w = (k: string) => p[k].data;
  const forward = (x: ArrayLike<number>) => {
    const a1 = conv2dRef(s1, x, w('conv1.weight'), w('conv1.bias'), true);
    const q1 = maxpool2dRef(p1, a1);
    const a2 = conv2dRef(s2, q1, w('conv2.weight'), w('conv2.bias'), true);
    const q2 = maxpool2dRef(p2, a2);
    const h = matmulRef(q2, w('fc1.weight'), n, flat, 32, { transB: true, bias: w('fc1.bias'), relu: true });
    const logits = matmulRef(h, w('fc2.weight'), n, 32, classes, { transB: true, bias: w('fc2.bias') });
    return { x, a1, q1, a2, q2, h, logits };
  };
  const backwardInput = (f: ReturnType<typeof forward>, dlogits: ArrayLike<number>): Float64Array => {
    const dh = matmulRef(dlogits, w('fc2.weight'), n, classes, 32, { mask: f.h });
    const dq2 = matmulRef(dh, w('fc1.weight'), n, 32, flat);
    const da2 = reluBackwardRef(f.a2, maxpool2dBackwardRef(p2, f.a2, dq2));
    const dq1 = conv2dBackwardRef(s2, f.q1, w('conv2.weight'), da2).dx;
    const da1 = reluBackwardRef(f.a1, maxpool2dBackwardRef(p1, f.a1, dq1));
    return conv2dBackwardRef(s1, f.x, w('conv1.weight'), da1).dx;
  };
  return { forward, backwardInput };
}
