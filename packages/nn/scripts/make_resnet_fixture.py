#!/usr/bin/python3
"""Writes a parity fixture for a ResNet (`losslab parity --fixture FILE`, test/fixtures/*.json):

    /usr/bin/python3 make_resnet_fixture.py --arch resnet8 --seed 3 --batch 4 --out resnet8.json [--full]

From the repository's PyTorch module (python/losslab_torch/resnet.py), in float64 math:
activations in train mode, every loss's value and gradients (parameters and input), three SGD
steps (momentum, weight decay, StepLR) with the BatchNorm running statistics after each, and the
eval-mode logits and saliency (d logit[predicted] / d input). To stay small in the repository:
- the input, parameters and running statistics are not stored but generated: element i of tensor t is
  lo + (hi - lo) * u(seed_t, i), rounded to float32, u a 32-bit integer hash both sides compute
  (LossLab: nn/src/parity.ts, hashUniform);
- a tensor larger than --sample elements is checked at --sample random positions (`index`);
  --full stores every element;
- each checked tensor carries f32_err, PyTorch's own float32 error on it (the same computation in
  float32 against float64): through 20 layers float32 rounding grows past a single op's bound,
  and LossLab is then held to a small multiple of what PyTorch itself achieves.
"""
import argparse, json, math, os, sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from losslab_torch import LOSSES, loss_fn, resnet8, resnet20  # noqa: E402

ARCHS = {"resnet8": resnet8, "resnet20": resnet20}
M32 = 0xFFFFFFFF


def mix32(x):
    x = ((x ^ (x >> 16)) * 0x7FEB352D) & M32
    x = ((x ^ (x >> 15)) * 0x846CA68B) & M32
    return x ^ (x >> 16)


def hash_uniform(seed, n, lo, hi):
    """float32 values lo + (hi - lo) * u_i, u_i = (mix32(seed * 0x9E3779B9 + i) >> 8) / 2^24."""
    base = (seed * 0x9E3779B9) & M32
    u = np.array([(mix32((base + i) & M32) >> 8) / 16777216.0 for i in range(n)], dtype=np.float64)
    return (lo + (hi - lo) * u).astype(np.float32)


def generated_range(name, shape):
    """Ranges of the generated state: weights at He et al.'s scale, non-trivial BatchNorm parameters and statistics."""
    if name.endswith("num_batches_tracked"):
        return 0.0, 0.0
    if name.endswith("running_mean"):
        return -0.2, 0.2
    if name.endswith("running_var"):
        return 0.5, 1.5
    if name.endswith(".weight") and len(shape) >= 2:
        b = math.sqrt(3) * math.sqrt(2 / int(np.prod(shape[1:])))
        return -b, b
    if name.endswith(".weight"):  # BatchNorm gamma
        return 0.5, 1.5
    return -0.2, 0.2  # biases


class Writer:
    def __init__(self, sample, rng):
        self.sample, self.rng = sample, rng

    def tensor(self, x, f32_err=None, samples=None):
        """`samples`: only these rows (dimension 0) are checked (every position of them with --full)."""
        flat = x.detach().float().flatten().numpy()
        out = {"shape": list(x.shape)}
        if f32_err is not None:
            out["f32_err"] = float(f"{f32_err:.3g}")
        if samples is None:
            allowed = np.arange(flat.size)
        else:
            per = flat.size // x.shape[0]
            allowed = np.concatenate([np.arange(i * per, (i + 1) * per) for i in samples])
        if (self.sample and allowed.size > self.sample) or allowed.size < flat.size:
            idx = np.sort(self.rng.choice(allowed, min(self.sample or allowed.size, allowed.size), replace=False))
            out["index"] = idx.tolist()
            flat = flat[idx]
        out["data"] = [float(f"{v:.9g}") for v in flat.tolist()]
        return out


def compute(model, state, x, y, a):
    """Everything the fixture checks, computed by `model` (float64 or float32) from `state`."""
    dtype = next(model.parameters()).dtype
    cast = lambda sd: {k: (v.to(dtype) if v.is_floating_point() else v) for k, v in sd.items()}
    x = x.to(dtype)
    out = {}
    model.load_state_dict(cast(state))
    model.train()
    acts = {}
    model(x, acts)
    out["activations"] = acts
    out["losses"] = {}
    for name in a.losses.split(","):
        model.load_state_dict(cast(state))
        model.zero_grad()
        xi = x.clone().requires_grad_(True)
        loss = loss_fn(name, model(xi), y)
        loss.backward()
        out["losses"][name] = {"value": loss.detach(), "grad_input": xi.grad, "grads": {k: p.grad.clone() for k, p in model.named_parameters()}}
    model.load_state_dict(cast(state))
    model.eval()
    xi = x.clone().requires_grad_(True)
    z = model(xi)
    # saliency: d logit[predicted] / d input, per sample, in eval mode
    z.gather(1, z.argmax(1, keepdim=True)).sum().backward()
    out["eval"] = {"logits": z.detach(), "saliency": xi.grad}
    # Every ReLU input of the eval forward, to find samples whose masks float32 cannot decide (ambiguous_samples).
    pre = {}
    model(x, pre)
    out["eval_relu_inputs"] = {k: v.detach() for k, v in pre.items() if f"{k}_relu" in pre}
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=a.momentum, weight_decay=a.weight_decay)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=a.step_size, gamma=a.gamma)
    out["steps"] = []
    for k in range(a.sgd_steps):
        opt.zero_grad()
        loss = loss_fn("ce", model(x), y)
        loss.backward()
        opt.step()
        sched.step()
        sd = model.state_dict()
        # Running statistics after every step; the parameters after the last (an error in any step carries into them).
        keep = [n for n in sd if "running" in n or "num_batches" in n or k == a.sgd_steps - 1]
        out["steps"].append({"loss": loss.detach(), "lr_after": opt.param_groups[0]["lr"], "params": {n: sd[n].clone() for n in keep}})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", choices=sorted(ARCHS), required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--losses", default=",".join(LOSSES))
    ap.add_argument("--sgd-steps", type=int, default=3)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--weight-decay", type=float, default=1e-3)
    ap.add_argument("--step-size", type=int, default=2)
    ap.add_argument("--gamma", type=float, default=0.5)
    ap.add_argument("--sample", type=int, default=128, help="elements checked per large tensor")
    ap.add_argument("--full", action="store_true", help="store every element")
    ap.add_argument("--eval-only", action="store_true", help="store only the eval-mode logits and saliency (small fixtures over many seeds)")
    ap.add_argument("--input-shape", default="3,32,32", help="the data set's C,H,W (e.g. CIFAR-100's 3,32,32)")
    ap.add_argument("--classes", type=int, default=10, help="the data set's class count (e.g. CIFAR-100's 100)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    shape = tuple(int(v) for v in a.input_shape.split(","))
    make = lambda: ARCHS[a.arch](a.classes, shape)  # noqa: E731
    torch.manual_seed(a.seed)
    w = Writer(0 if a.full else a.sample, np.random.default_rng(a.seed))
    params, state = {}, {}
    for k, (name, v) in enumerate(make().state_dict().items()):
        lo, hi = generated_range(name, list(v.shape))
        s = a.seed * 1000 + k
        params[name] = {"shape": list(v.shape), "uniform": [lo, hi], "seed": s}
        state[name] = torch.from_numpy(hash_uniform(s, v.numel(), lo, hi).astype(np.float64)).reshape(v.shape).to(v.dtype)
    input_seed = a.seed * 1000 + 999
    x = torch.from_numpy(hash_uniform(input_seed, a.batch * math.prod(shape), -2.0, 2.0).astype(np.float64)).reshape(a.batch, *shape)
    y = torch.randint(0, a.classes, (a.batch,))
    ref = compute(make().double(), state, x, y, a)
    f32 = compute(make().float(), state, x, y, a)

    def t(r, p):
        # PyTorch's own float32 error on this tensor: LossLab (float32) is held to a multiple of it where it exceeds the elementwise bound.
        return w.tensor(r, f32_err=(p.double() - r.double()).abs().max().item())

    out = {"meta": {"generator": f"PyTorch {torch.__version__}, make_resnet_fixture.py, float64 math; f32_err: PyTorch float32's max abs error"},
           "arch": a.arch, "seed": a.seed, "input": {"shape": list(x.shape), "uniform": [-2.0, 2.0], "seed": input_seed},
           "target": y.tolist(), "params": params}
    out["activations"] = {} if a.eval_only else {k: t(v, f32["activations"][k]) for k, v in ref["activations"].items()}
    out["losses"] = {name: {"value": r["value"].item(), "grad_input": t(r["grad_input"], f32["losses"][name]["grad_input"]),
                            "grads": {k: t(g, f32["losses"][name]["grads"][k]) for k, g in r["grads"].items()}}
                     for name, r in ref["losses"].items() if not a.eval_only}
    # A sample with a ReLU input closer to 0 than PyTorch float32's largest error on that activation (that
    # sample's, about 3.5 standard deviations of float32's rounding there) has no float32 saliency to match:
    # float32 may put the input on either side, which flips that unit's gradient (a jump, not rounding).
    # Its saliency is left out of the check.
    ambiguous = set()
    for k, v in ref["eval_relu_inputs"].items():
        err = (f32["eval_relu_inputs"][k].double() - v.double()).abs().flatten(1).max(1).values
        near = v.double().abs().flatten(1).min(1).values <= err
        ambiguous.update(int(i) for i in torch.nonzero(near).flatten())
    kept = [i for i in range(a.batch) if i not in ambiguous]
    if not kept:
        sys.exit("every sample has a ReLU input within float32 rounding of 0 in eval mode: choose another --seed or --batch")
    out["eval"] = {"logits": t(ref["eval"]["logits"], f32["eval"]["logits"])}
    out["eval"]["saliency"] = w.tensor(ref["eval"]["saliency"], (f32["eval"]["saliency"].double() - ref["eval"]["saliency"].double())[kept].abs().max().item(), kept)
    if ambiguous:
        out["eval"]["ambiguous_samples"] = sorted(ambiguous)
    out["sgd"] = {"lr": a.lr, "momentum": a.momentum, "weight_decay": a.weight_decay, "step_size": a.step_size, "gamma": a.gamma, "loss": "ce",
                  "steps": [{"loss": r["loss"].item(), "lr_after": r["lr_after"], "params": {n: t(v, p["params"][n]) for n, v in r["params"].items()}}
                            for r, p in zip(ref["steps"], f32["steps"])]}
    if a.eval_only:
        for k in ("activations", "losses", "sgd"):
            del out[k]
    with open(a.out, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"wrote {a.out}: {a.arch}, input {a.input_shape}, {a.classes} classes, batch {a.batch}, losses {a.losses}, {a.sgd_steps} SGD steps, "
          f"{'every element' if not w.sample else f'{w.sample} elements per large tensor'}"
          + (f"; eval saliency without samples {sorted(ambiguous)} (a ReLU input within float32 rounding of 0)" if ambiguous else ""))


if __name__ == "__main__":
    main()
