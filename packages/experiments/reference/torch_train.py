#!/usr/bin/python3
"""PyTorch reference for LossLab's study: the same models (packages/nn/python/losslab_torch), data,
augmentation and hyperparameters.

Used by `losslab bench --vs-torch` (epoch time on the CPU) and to produce reference curves.
Needs Debian's python3-torch (1.13) and numpy: `SETUP_TORCH=1 bash scripts/setup.sh`.

    python3 torch_train.py --data-dir DIR --loss ce --seed 0 --epochs 30 --csv out.csv
    python3 torch_train.py --data-dir DIR --epochs 1 --max-steps 200 --json   # timing only
    python3 torch_train.py --arch resnet20 --batch 128 --lr 0.1 --weight-decay 1e-4 --milestones 82,123 --gamma 0.1 --epochs 164
"""
import argparse, json, os, sys, time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "nn", "python"))
from losslab_torch import build_model, make_loss  # noqa: E402  (the project's one definition of models and losses)
from losslab_torch.data import TEST_FILE, TRAIN_FILES, crop_flip_normalise, normalise, read_split  # noqa: E402


def macro_f1(pred, y, classes):
    """Mean over classes of 2·tp / (2·tp + fp + fn); a class with no true and no predicted sample counts 0."""
    cm = torch.bincount(y * classes + pred, minlength=classes * classes).view(classes, classes).double()
    tp = cm.diag()
    denom = 2 * tp + (cm.sum(0) - tp) + (cm.sum(1) - tp)
    return float(torch.where(denom > 0, 2 * tp / denom.clamp(min=1), torch.zeros_like(tp)).mean())


def augment(x_u8, gen):
    """Random crop 32 with zero padding 4 and horizontal flip p=0.5 on a uint8 batch, then normalise."""
    b = x_u8.shape[0]
    dy = torch.randint(0, 9, (b,), generator=gen)
    dx = torch.randint(0, 9, (b,), generator=gen)
    flip = torch.rand(b, generator=gen) < 0.5
    return crop_flip_normalise(x_u8, dy, dx, flip)


def train_epoch(model, crit, opt, xtr, ytr, batch, gen, max_steps=0):
    """One epoch of the study's loop (shuffle, augment, forward, loss, backward, SGD step) → (loss sum, correct, samples, steps)."""
    model.train()
    perm = torch.randperm(len(ytr), generator=gen)
    tot, correct, n, steps = 0.0, 0, 0, 0
    for s in range(0, len(perm), batch):
        idx = perm[s:s + batch]
        x, y = augment(xtr[idx], gen), ytr[idx]
        z = model(x)
        loss = crit(z, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        tot += loss.item() * len(y)
        correct += (z.argmax(1) == y).sum().item()
        n += len(y)
        steps += 1
        if max_steps and steps >= max_steps:
            break
    return tot, correct, n, steps


def predict(model, x, chunk=1000):
    """Logits of `x` in chunks (evaluation)."""
    return torch.cat([model(x[i:i + chunk]) for i in range(0, len(x), chunk)])


def add_training_args(ap, epochs):
    """The flags of a run's architecture, optimizer, schedule, training subset and threads (torch_train.py, torch_study.py)."""
    ap.add_argument("--arch", default="convnet")
    ap.add_argument("--epochs", type=int, default=epochs)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--weight-decay", type=float, default=0.0)
    ap.add_argument("--nesterov", action="store_true")
    ap.add_argument("--train-subset", type=int, default=0, help="train on a seeded random subset of this many images (0: all)")
    ap.add_argument("--milestones", help="MultiStepLR epochs, e.g. 82,123 (instead of StepLR)")
    ap.add_argument("--step-size", type=int, default=10)
    ap.add_argument("--gamma", type=float, default=0.5)
    ap.add_argument("--threads", type=int, default=2)


def scheduler(opt, a):
    """StepLR, or MultiStepLR with --milestones, stepped once per epoch."""
    if a.milestones:
        return torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[int(m) for m in a.milestones.split(",")], gamma=a.gamma)
    return torch.optim.lr_scheduler.StepLR(opt, step_size=a.step_size, gamma=a.gamma)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", default=os.environ.get("CIFAR10_DIR"))
    ap.add_argument("--loss", default="ce", help="a LossLab loss name: ce, focal:<g>, l1, l1-logits, ls:<eps>, gce:<q>")
    ap.add_argument("--seed", type=int, default=0)
    add_training_args(ap, epochs=30)
    ap.add_argument("--max-steps", type=int, default=0, help="stop each epoch after this many steps (timing)")
    ap.add_argument("--no-eval", action="store_true")
    ap.add_argument("--csv")
    ap.add_argument("--json", action="store_true", help="print one JSON line per epoch")
    a = ap.parse_args()
    if not a.data_dir:
        sys.exit("torch_train.py: --data-dir or CIFAR10_DIR is required")
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed + 1)
    xtr, ytr = read_split(a.data_dir, TRAIN_FILES)
    xte, yte = read_split(a.data_dir, [TEST_FILE])
    xte = normalise(xte)
    if a.train_subset:
        keep = torch.randperm(len(ytr), generator=torch.Generator().manual_seed(a.seed + 2))[:a.train_subset].sort().values
        xtr, ytr = xtr[keep], ytr[keep]
    model = build_model(a.arch)
    crit = make_loss(a.loss)
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=a.momentum, weight_decay=a.weight_decay, nesterov=a.nesterov)
    sched = scheduler(opt, a)
    out = open(a.csv, "w") if a.csv else None
    if out:
        out.write("epoch,train_loss,train_acc,test_loss,test_acc,f1,train_seconds,epoch_seconds\n")
    for epoch in range(1, a.epochs + 1):
        t0 = time.perf_counter()
        tot, correct, n, steps = train_epoch(model, crit, opt, xtr, ytr, a.batch, gen, a.max_steps)
        train_s = time.perf_counter() - t0
        sched.step()
        test_loss = test_acc = f1 = float("nan")
        if not a.no_eval:
            model.eval()
            with torch.no_grad():
                z = predict(model, xte)
                test_loss = float(crit(z, yte))
                test_acc = float((z.argmax(1) == yte).float().mean())
                f1 = macro_f1(z.argmax(1), yte, 10)
        row = dict(epoch=epoch, train_loss=tot / n, train_acc=correct / n, test_loss=test_loss, test_acc=test_acc, f1=f1,
                   train_seconds=train_s, steps=steps, step_ms=1000 * train_s / steps, epoch_seconds=time.perf_counter() - t0)
        if out:
            out.write(",".join(str(row[k]) for k in ["epoch", "train_loss", "train_acc", "test_loss", "test_acc", "f1", "train_seconds", "epoch_seconds"]) + "\n")
            out.flush()
        if a.json:
            print(json.dumps({k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}), flush=True)  # strict JSON: NaN → null
        else:
            print(f"epoch {epoch}: train_loss {row['train_loss']:.4f} acc {row['train_acc']:.4f} test_acc {test_acc:.4f} ({train_s:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
