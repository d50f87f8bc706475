#!/usr/bin/python3
"""PyTorch side of `losslab parity --trajectory`: replays the run LossLab exported into DIR with the
same initial weights, batches (order, crop offsets, flips, last partial batch), hyperparameters
and schedule, and writes DIR/torch.json in the layout of DIR/losslab.json.

    /usr/bin/python3 trajectory.py --dir DIR [--threads 2] [--float64]

With --float64 the same run is made in float64 (DIR/torch64.json): how far float32 rounding alone
carries two runs apart, the yardstick for the LossLab–PyTorch gap.

DIR holds plan.json (hyperparameters, checkpoint steps, the data set's spec: shape, classes,
normalisation, augmentation), the images LossLab trained and tested on (train_images.bin,
test_images.bin: uint8 CHW; *_labels.bin: u16), init.json (the initial state dict) and
draws-<epoch>.bin (u32 order[n], then u8 dy[n], dx[n], flip[n]), written by LossLab. The model is
built for the data set's input shape and class count.
"""
import argparse, json, os, sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "nn", "python"))
from losslab_torch import build_model, make_loss  # noqa: E402
from losslab_torch.data import crop_flip_normalise, normalise, read_exchange_split  # noqa: E402


def read_draws(path, n):
    raw = np.fromfile(path, dtype=np.uint8)
    if raw.size != 7 * n:
        raise SystemExit(f"{path}: {raw.size} bytes, expected {7 * n}")
    order = torch.from_numpy(raw[:4 * n].view("<u4").astype(np.int64))
    dy, dx, flip = (torch.from_numpy(raw[k * n:(k + 1) * n].astype(np.int64)) for k in (4, 5, 6))
    return order, dy, dx, flip.bool()


def state(model):
    return {k: {"shape": list(v.shape), "data": v.detach().flatten().tolist()} for k, v in model.state_dict().items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--float64", action="store_true")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (a shorter yardstick run)")
    a = ap.parse_args()
    dtype = torch.float64 if a.float64 else torch.float32
    torch.set_num_threads(a.threads)
    plan = json.load(open(os.path.join(a.dir, "plan.json")))
    ds = plan["data_spec"]
    shape = (ds["channels"], ds["height"], ds["width"])
    xtr, ytr = read_exchange_split(a.dir, "train", shape)  # with --train-subset: the subset, in LossLab's order
    xte, yte = read_exchange_split(a.dir, "test", shape)
    if len(ytr) != plan["train_count"] or len(yte) != plan["test_count"]:
        sys.exit(f"trajectory.py: {a.dir} holds {len(ytr)}/{len(yte)} images, LossLab trained on {plan['train_count']}/{plan['test_count']}")
    mean, std = plan["mean"], plan["std"]
    xte = normalise(xte, mean, std).to(dtype)
    model = build_model(plan["arch"], len(ds["classNames"]), shape).to(dtype)
    init = json.load(open(os.path.join(a.dir, "init.json")))
    # init.json holds the parameters; BatchNorm's running statistics start at PyTorch's defaults (as LossLab's).
    missing, unexpected = model.load_state_dict({k: torch.tensor(v["data"], dtype=dtype).reshape(v["shape"]) for k, v in init.items()}, strict=False)
    buffers = {k for k, _ in model.named_buffers()}
    if unexpected or set(missing) - buffers:
        sys.exit(f"trajectory.py: init.json does not match {plan['arch']}: missing {sorted(set(missing) - buffers)}, unexpected {unexpected}")
    crit = make_loss(plan["loss"], plan.get("loss_torch"))
    opt = torch.optim.SGD(model.parameters(), lr=plan["lr"], momentum=plan["momentum"], weight_decay=plan.get("weightDecay", 0))
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=plan["stepSize"], gamma=plan["gamma"])
    b, n, checkpoints = plan["batchSize"], plan["train_count"], set(plan["checkpoints"])
    out = {"step_loss": {}, "params": {}, "epochs": []}
    step = 0
    for epoch in range(1, plan["epochs"] + 1):
        model.train()
        lr = opt.param_groups[0]["lr"]
        order, dy, dx, flip = read_draws(os.path.join(a.dir, f"draws-{epoch}.bin"), n)
        tot, correct = 0.0, 0
        for s in range(0, n, b):
            if a.max_steps and step >= a.max_steps:
                break
            idx = order[s:s + b]
            x = crop_flip_normalise(xtr[idx], dy[s:s + b], dx[s:s + b], flip[s:s + b], plan["pad"], mean, std).to(dtype)
            y = ytr[idx]
            z = model(x)
            loss = crit(z, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            tot += loss.item() * len(y)
            correct += (z.argmax(1) == y).sum().item()
            if step in checkpoints:
                out["step_loss"][str(step)] = loss.item()
                out["params"][str(step)] = state(model)
        if a.max_steps and step >= a.max_steps and s + b < n:
            break  # a partial epoch has no epoch figures
        sched.step()
        model.eval()
        with torch.no_grad():
            z = torch.cat([model(xte[i:i + 1000]) for i in range(0, len(yte), 1000)])
            test_loss, test_acc = float(crit(z, yte)), float((z.argmax(1) == yte).float().mean())
        out["epochs"].append({"epoch": epoch, "lr": lr, "train_loss": tot / n, "train_acc": correct / n,
                              "test_loss": test_loss, "test_acc": test_acc})
        print(f"pytorch{' float64' if a.float64 else ''} epoch {epoch}: train_loss {tot / n:.4f} test_acc {test_acc:.4f}", flush=True)
    with open(os.path.join(a.dir, "torch64.json" if a.float64 else "torch.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
