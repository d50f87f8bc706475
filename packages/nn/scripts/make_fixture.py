#!/usr/bin/python3
"""Writes a parity fixture for `losslab parity --fixture FILE` (the schema of shared/golden/convnet.json).

    /usr/bin/python3 make_fixture.py --seed 3 --batch 8 --out my-fixture.json [--state-dict model.pt]

PyTorch computes in float64; values are written as float32-rounded numbers. With --state-dict,
the parameters come from a saved ConvNet state dict instead of the default initialisation.
"""
import argparse, json

import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(3, 4, 3), nn.Conv2d(4, 8, 3)
        self.fc1, self.fc2 = nn.Linear(288, 32), nn.Linear(32, 10)

    def forward(self, x, acts=None):
        a = {}
        a["conv1"] = self.conv1(x)
        a["pool1"] = F.max_pool2d(F.relu(a["conv1"]), 2)
        a["conv2"] = self.conv2(a["pool1"])
        a["pool2"] = F.max_pool2d(F.relu(a["conv2"]), 2)
        a["fc1_relu"] = F.relu(self.fc1(torch.flatten(a["pool2"], 1)))
        a["logits"] = self.fc2(a["fc1_relu"])
        if acts is not None:
            acts.update(a)
        return a["logits"]


def loss_fn(name, z, y):
    ce = F.cross_entropy(z, y, reduction="none")
    if name == "ce":
        return ce.mean()
    if name.startswith("focal"):
        g = float(name[5:])
        return ((1 - torch.exp(-ce)) ** g * ce).mean()
    if name == "l1":
        return (F.softmax(z, 1) - F.one_hot(y, z.shape[1]).double()).abs().mean()
    if name == "l1logits":
        return (z - F.one_hot(y, z.shape[1]).double()).abs().mean()
    raise SystemExit(f"unknown loss {name}")


def t(x):
    return {"shape": list(x.shape), "data": x.detach().float().flatten().tolist()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--losses", default="ce,focal0.5,focal2,l1,l1logits")
    ap.add_argument("--sgd-steps", type=int, default=3)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--step-size", type=int, default=2)
    ap.add_argument("--gamma", type=float, default=0.5)
    ap.add_argument("--state-dict")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    model = ConvNet()
    if a.state_dict:
        model.load_state_dict(torch.load(a.state_dict))
    # float32-representable values, math in float64
    model = model.float().double()
    x = torch.randn(a.batch, 3, 32, 32).float().double()
    y = torch.randint(0, 10, (a.batch,))
    init = {k: v.clone() for k, v in model.state_dict().items()}
    out = {"meta": {"generator": f"PyTorch {torch.__version__}, make_fixture.py, float64 math"}, "seed": a.seed,
           "input": t(x), "target": y.tolist(), "params": {k: t(v) for k, v in init.items()}}
    acts = {}
    model(x, acts)
    out["activations"] = {k: t(v) for k, v in acts.items()}
    out["losses"] = {}
    for name in a.losses.split(","):
        model.zero_grad()
        xi = x.clone().requires_grad_(True)
        loss = loss_fn(name, model(xi), y)
        loss.backward()
        out["losses"][name] = {"value": loss.item(), "grad_input": t(xi.grad),
                               "grads": {k: t(p.grad) for k, p in model.named_parameters()}}
    model.load_state_dict(init)
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=a.momentum)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=a.step_size, gamma=a.gamma)
    steps = []
    for _ in range(a.sgd_steps):
        opt.zero_grad()
        loss = loss_fn("ce", model(x), y)
        loss.backward()
        opt.step()
        sched.step()
        steps.append({"loss": loss.item(), "lr_after": opt.param_groups[0]["lr"],
                      "params": {k: t(v) for k, v in model.state_dict().items()}})
    out["sgd"] = {"lr": a.lr, "momentum": a.momentum, "step_size": a.step_size, "gamma": a.gamma, "loss": "ce", "steps": steps}
    with open(a.out, "w") as f:
        json.dump(out, f)
    print(f"wrote {a.out}: batch {a.batch}, losses {a.losses}, {a.sgd_steps} SGD steps")


if __name__ == "__main__":
    main()
