#!/usr/bin/python3
"""Regenerates the PyTorch fixtures the tests read (needs Debian's python3-torch):

    /usr/bin/python3 packages/nn/scripts/make_fixtures.py

- packages/kernels/test/fixtures/ops.json: conv2d, maxpool2d, matmul and every loss, each with its
  upstream gradient and the gradients of its inputs (schema of shared/golden/ops.json);
- packages/nn/test/fixtures/convnet.json: the ConvNet's activations, every loss's value and
  gradients, three SGD+StepLR steps with CE and with each zoo loss, and the Σ|terms| scales of the
  tolerance bound (make_fixture.py);
- packages/nn/test/fixtures/convnet-fashion-mnist.json: the same for Fashion-MNIST's 1×28×28 input
  (packages/experiments/src/data/datasets/fashion-mnist.ts), whose ConvNet flattens 200 features.

The ResNet fixtures come from make_resnet_fixture.py:
    make_resnet_fixture.py --arch resnet8 --seed 3 --batch 4 --out packages/nn/test/fixtures/resnet8.json
    make_resnet_fixture.py --arch resnet20 --seed 3 --batch 4 --out packages/nn/test/fixtures/resnet20.json
    make_resnet_fixture.py --arch resnet8 --seed 5 --batch 4 --classes 100 --out packages/nn/test/fixtures/resnet8-cifar100.json

Deterministic: the same PyTorch version writes the same bytes. Math in float64 from
float32-representable inputs, values rounded to float32.
"""
import os, sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixture import model_fixture, t, write_json  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from losslab_torch import LOSSES, ZOO, loss_fn  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
SEED = 1


def f32(*shape):
    return torch.randn(*shape).float().double()


def backward(inputs, out):
    """Output, upstream gradient and the inputs' gradients of fn."""
    gy = f32(*out.shape)
    grads = torch.autograd.grad(out, inputs, gy)
    return gy, grads


def conv_case(n, cin, h, w, cout, k, stride, padding):
    x, wt, b = [f32(*s).requires_grad_(True) for s in [(n, cin, h, w), (cout, cin, k, k), (cout,)]]
    y = F.conv2d(x, wt, b, stride, padding)
    gy, (gx, gw, gb) = backward([x, wt, b], y)
    return {"op": "conv2d", "stride": stride, "padding": padding, "x": t(x), "weight": t(wt), "bias": t(b), "y": t(y),
            "grad_y": t(gy), "grad_x": t(gx), "grad_weight": t(gw), "grad_bias": t(gb)}


def pool_case(n, c, h, w, kernel, stride):
    x = f32(n, c, h, w).requires_grad_(True)
    y = F.max_pool2d(x, kernel, stride)
    gy, (gx,) = backward([x], y)
    return {"op": "maxpool2d", "kernel": kernel, "stride": stride, "x": t(x), "y": t(y), "grad_y": t(gy), "grad_x": t(gx)}


def matmul_case(m, k, n):
    a, b = f32(m, k).requires_grad_(True), f32(k, n).requires_grad_(True)
    y = a @ b
    gy, (ga, gb) = backward([a, b], y)
    return {"op": "matmul", "a": t(a), "b": t(b), "y": t(y), "grad_y": t(gy), "grad_a": t(ga), "grad_b": t(gb)}


def loss_case(name, n, c):
    z = (2 * f32(n, c)).requires_grad_(True)
    y = torch.randint(0, c, (n,))
    v = loss_fn(name, z, y)
    (g,) = torch.autograd.grad(v, z)
    return {"op": "loss", "loss": name, "logits": t(z), "target": y.tolist(), "value": v.item(), "grad_logits": t(g)}


def ops_fixture():
    torch.manual_seed(SEED)
    cases = [conv_case(2, 3, 32, 32, 4, 3, 1, 0), conv_case(2, 5, 11, 9, 7, 3, 2, 1), conv_case(3, 4, 15, 15, 8, 3, 1, 0),
             conv_case(1, 2, 8, 8, 3, 5, 1, 2),
             pool_case(2, 4, 30, 30, 2, 2), pool_case(2, 8, 13, 13, 2, 2), pool_case(1, 3, 9, 7, 3, 2),
             matmul_case(64, 288, 32), matmul_case(67, 129, 33), matmul_case(1, 7, 5), matmul_case(128, 32, 10)]
    cases += [loss_case(name, n, c) for name in LOSSES for n, c in [(8, 10), (33, 10), (5, 3)]]
    # The zoo after the built-ins (their cases keep their random draws), plus C = 100.
    cases += [loss_case(name, n, c) for name in ZOO for n, c in [(8, 10), (33, 10), (5, 3), (6, 100)]]
    return {"meta": {"generator": f"PyTorch {torch.__version__}, make_fixtures.py, float64 math, values rounded to float32",
                     "seed": SEED}, "cases": cases}


def main():
    write_json(os.path.join(ROOT, "packages/kernels/test/fixtures/ops.json"), ops_fixture())
    write_json(os.path.join(ROOT, "packages/nn/test/fixtures/convnet.json"),
               model_fixture("convnet", seed=SEED, batch=4, losses=LOSSES + ZOO, input_grad_losses=("ce",),
                             sgd_losses=ZOO))
    write_json(os.path.join(ROOT, "packages/nn/test/fixtures/convnet-fashion-mnist.json"),
               model_fixture("convnet", seed=SEED + 1, batch=4, losses=LOSSES, input_grad_losses=("ce",), input_shape=(1, 28, 28), classes=10))


if __name__ == "__main__":
    main()
