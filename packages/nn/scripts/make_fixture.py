#!/usr/bin/python3
"""Writes a parity fixture for `losslab parity --fixture FILE` (the schema of shared/golden/convnet.json,
plus the Σ|terms| scales of the tolerance bound; see packages/kernels/test/tolerances.ts).

    /usr/bin/python3 make_fixture.py --seed 3 --batch 8 --out my-fixture.json [--arch convnet] [--state-dict model.pt]
        [--input-shape 1,28,28] [--classes 10]

--input-shape and --classes are the data set's (its descriptor in packages/experiments/src/data/datasets/):
the model is built for them and the input and targets drawn with them (default CIFAR-10's 3,32,32 and 10).

PyTorch computes in float64 from float32-representable inputs and parameters; values are written
rounded to float32. With --state-dict, the parameters come from a saved state dict instead of the
default initialisation. Models and losses come from packages/nn/python/losslab_torch.
"""
import argparse, json, os, sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from losslab_torch import LOSSES, build_model, loss_fn, magnitudes  # noqa: E402
from losslab_torch.models import activations  # noqa: E402


def t(x, digits=9):
    """A tensor as {"shape", "data"}: float32-rounded values in `digits` significant digits (9 round-trips float32)."""
    data = x.detach().float().double().flatten().tolist()
    return {"shape": list(x.shape), "data": [float(f"{v:.{digits}g}") for v in data]}


def scale(x):
    """Σ|terms| needs no more than 3 digits: it only sizes a tolerance."""
    return t(x, 3)


def model_fixture(arch="convnet", seed=0, batch=16, losses=LOSSES, input_grad_losses=("ce",), sgd_steps=3, lr=0.05,
                  momentum=0.9, step_size=2, gamma=0.5, state_dict=None, sgd_losses=(), input_shape=(3, 32, 32), classes=10):
    torch.manual_seed(seed)
    model = build_model(arch, classes, input_shape)
    if state_dict:
        model.load_state_dict(torch.load(state_dict))
    model = model.float().double()  # float32-representable values, math in float64
    x = torch.randn(batch, *input_shape).float().double()
    y = torch.randint(0, classes, (batch,))
    init = {k: v.clone() for k, v in model.state_dict().items()}
    out = {"meta": {"generator": f"PyTorch {torch.__version__}, make_fixture.py, float64 math, values rounded to float32",
                    "arch": arch}, "seed": seed,
           "input": t(x), "target": y.tolist(), "params": {k: t(v) for k, v in init.items()}}
    with torch.no_grad():
        _, acts = activations(model, x)
    out["activations"] = {k: t(v) for k, v in acts.items()}
    out["losses"] = {}
    scales = {"losses": {}}
    for name in losses:
        model.zero_grad()
        xi = x.clone().requires_grad_(True)
        z = model(xi)
        zg = z.detach().requires_grad_(True)
        loss = loss_fn(name, zg, y)
        (g_logits,) = torch.autograd.grad(loss, zg)
        z.backward(g_logits)
        entry = {"value": loss.item(), "grads": {k: t(p.grad) for k, p in model.named_parameters()}}
        act_mag, grad_mag, input_mag = magnitudes(model, x, g_logits)
        scales["activations"] = {k: scale(v) for k, v in act_mag.items()}
        s = {"grads": {k: scale(v) for k, v in grad_mag.items()}}
        if name in input_grad_losses:
            entry["grad_input"] = t(xi.grad)
            s["grad_input"] = scale(input_mag)
        out["losses"][name] = entry
        scales["losses"][name] = s
    out["scales"] = scales

    def sgd(loss_name, every_step=True):
        """SGD+StepLR steps with loss_name; the parameters after every step, or (every_step=False) after the last only."""
        model.load_state_dict(init)
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=step_size, gamma=gamma)
        steps = []
        for k in range(sgd_steps):
            opt.zero_grad()
            loss = loss_fn(loss_name, model(x), y)
            loss.backward()
            opt.step()
            sched.step()
            steps.append({"loss": loss.item(), "lr_after": opt.param_groups[0]["lr"],
                          "params": {n: t(v) for n, v in model.state_dict().items()} if every_step or k == sgd_steps - 1 else {}})
        return {"lr": lr, "momentum": momentum, "step_size": step_size, "gamma": gamma, "loss": loss_name, "steps": steps}
    out["sgd"] = sgd("ce")
    if sgd_losses:
        out["sgd_losses"] = {name: sgd(name, every_step=False) for name in sgd_losses}
    model.load_state_dict(init)
    return out


def write_json(path, obj):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
    print(f"wrote {path} ({os.path.getsize(path) / 1e6:.2f} MB)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", default="convnet")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--losses", default=",".join(LOSSES))
    ap.add_argument("--sgd-steps", type=int, default=3)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--step-size", type=int, default=2)
    ap.add_argument("--gamma", type=float, default=0.5)
    ap.add_argument("--state-dict")
    ap.add_argument("--input-shape", default="3,32,32", help="the data set's C,H,W")
    ap.add_argument("--classes", type=int, default=10, help="the data set's class count")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    losses = a.losses.split(",")
    write_json(a.out, model_fixture(a.arch, a.seed, a.batch, losses, losses, a.sgd_steps, a.lr, a.momentum,
                                    a.step_size, a.gamma, a.state_dict, input_shape=parse_shape(a.input_shape), classes=a.classes))


def parse_shape(text):
    shape = tuple(int(v) for v in text.split(","))
    if len(shape) != 3 or min(shape) < 1:
        raise SystemExit(f"--input-shape: expected C,H,W, got {text!r}")
    return shape


if __name__ == "__main__":
    main()
