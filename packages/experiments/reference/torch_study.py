#!/usr/bin/python3
"""The default study in PyTorch, timed, for `losslab bench --study`: every run (loss × seed) trained
for a few epochs on the same data, two ways:

  --mode runs   one run after another, each with torch_train.py's loop (the founding study's way)
  --mode vmap   functorch's ensemble: combine_state_for_ensemble + vmap(grad) over the members'
                parameters. vmap calls one function, so one loss per call: the runs are grouped by
                loss (4 losses × 3 seeds: 4 groups of 3 members), each group trained as one ensemble.

Each member keeps its own seed (initial weights, data order, augmentation draws); models, losses,
augmentation and the loop's semantics come from losslab_torch and torch_train.py. Evaluation after
every epoch on the test images (the study evaluates every epoch). Prints JSON lines: progress lines
{"progress": ...} while it runs, then one summary line with the timings. CPU only.

    python3 torch_study.py --data-dir DIR --mode vmap --losses ce,focal:0.5,focal:2,l1 --seeds 0,1,2 --epochs 2
"""
import argparse, json, os, sys, time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "nn", "python"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from losslab_torch import build_model, make_loss  # noqa: E402
from losslab_torch.data import TEST_FILE, TRAIN_FILES, normalise, read_split  # noqa: E402
from torch_train import add_training_args, augment, predict, scheduler, train_epoch  # noqa: E402  (the study's loop, defined once)


def progress(msg):
    print(json.dumps({"progress": msg}), flush=True)


def param_bytes(model):
    return sum(p.numel() * p.element_size() for p in model.parameters())


def activation_bytes(model, batch, shape):
    """Bytes of every layer's output for one training batch (what autograd keeps for the backward pass, roughly)."""
    total = [0]
    hooks = [m.register_forward_hook(lambda _m, _i, out: total.__setitem__(0, total[0] + out.numel() * out.element_size()))
             for m in model.children()]
    with torch.no_grad():
        model(torch.zeros(batch, *shape))
    for h in hooks:
        h.remove()
    return total[0]


def memory_estimate(model, batch, shape):
    """Per run: parameters + gradients + momentum + one batch's activations (an estimate: CPU memory is not measured)."""
    return 3 * param_bytes(model) + activation_bytes(model, batch, shape)


def make_member(a, seed):
    torch.manual_seed(seed)
    return build_model(a.arch), torch.Generator().manual_seed(seed + 1)


def train_runs(a, runs, xtr, ytr, xte, yte, t):
    """One run after another: for each, its model, optimizer, scheduler and generator, then its epochs."""
    for k, (loss, seed) in enumerate(runs):
        s0 = time.perf_counter()
        model, gen = make_member(a, seed)
        crit = make_loss(loss)
        opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=a.momentum, weight_decay=a.weight_decay, nesterov=a.nesterov)
        sched = scheduler(opt, a)
        t["setup"] += time.perf_counter() - s0
        for epoch in range(a.epochs):
            s0 = time.perf_counter()
            train_epoch(model, crit, opt, xtr, ytr, a.batch, gen)
            sched.step()
            t["train"] += time.perf_counter() - s0
            s0 = time.perf_counter()
            model.eval()
            with torch.no_grad():
                z = predict(model, xte)
                _ = float(crit(z, yte)), float((z.argmax(1) == yte).float().mean())  # the study's test loss and accuracy
            t["eval"] += time.perf_counter() - s0
        progress(f"run {k + 1}/{len(runs)} ({loss}, seed {seed}): {a.epochs} epochs")


def train_ensembles(a, runs, xtr, ytr, xte, yte, t):
    """Runs grouped by loss; each group one functorch ensemble trained with vmap(grad_and_value)."""
    from functorch import combine_state_for_ensemble, grad_and_value, vmap
    losses = list(dict.fromkeys(loss for loss, _ in runs))
    for g, loss in enumerate(losses):
        seeds = [seed for l, seed in runs if l == loss]
        s0 = time.perf_counter()
        members = [make_member(a, seed) for seed in seeds]
        fmodel, params, buffers = combine_state_for_ensemble([m for m, _ in members])
        params = [p.detach() for p in params]  # leaves the optimizer steps; grads come from functorch
        gens = [gen for _, gen in members]
        crit = make_loss(loss)
        opt = torch.optim.SGD(params, lr=a.lr, momentum=a.momentum, weight_decay=a.weight_decay, nesterov=a.nesterov)
        sched = scheduler(opt, a)

        def loss_and_logits(p, b, x, y):
            z = fmodel(p, b, x)
            return crit(z, y), z

        step = vmap(grad_and_value(loss_and_logits, has_aux=True))
        forward = vmap(fmodel, in_dims=(0, 0, None))
        t["setup"] += time.perf_counter() - s0
        n = len(ytr)
        for epoch in range(a.epochs):
            s0 = time.perf_counter()
            perms = [torch.randperm(n, generator=gen) for gen in gens]
            tot, correct = 0.0, 0
            for s in range(0, n, a.batch):
                idx = [perm[s:s + a.batch] for perm in perms]
                x = torch.stack([augment(xtr[i], gen) for i, gen in zip(idx, gens)])
                y = torch.stack([ytr[i] for i in idx])
                grads, (value, z) = step(params, buffers, x, y)
                for p, gr in zip(params, grads):
                    p.grad = gr
                opt.step()
                tot += value.sum().item() * y.shape[1]  # the same per-step readbacks as the one-run loop
                correct += (z.argmax(2) == y).sum().item()
            sched.step()
            t["train"] += time.perf_counter() - s0
            s0 = time.perf_counter()
            with torch.no_grad():
                z = torch.cat([forward(params, buffers, xte[i:i + 1000]) for i in range(0, len(yte), 1000)], 1)
                _ = [float(crit(zk, yte)) for zk in z], (z.argmax(2) == yte).float().mean(1).tolist()
            t["eval"] += time.perf_counter() - s0
        progress(f"ensemble {g + 1}/{len(losses)} ({loss}, seeds {', '.join(map(str, seeds))}): {a.epochs} epochs")
    return [[f"{loss}_s{seed}" for l, seed in runs if l == loss] for loss in losses]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--mode", choices=["runs", "vmap"], required=True)
    ap.add_argument("--losses", required=True, help="comma-separated LossLab loss names")
    ap.add_argument("--seeds", required=True, help="comma-separated seeds")
    add_training_args(ap, epochs=1)
    ap.add_argument("--test-subset", type=int, default=0, help="evaluate on the first this many test images (0: all)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    xtr, ytr = read_split(a.data_dir, TRAIN_FILES)
    xte, yte = read_split(a.data_dir, [TEST_FILE])
    if a.train_subset and a.train_subset < len(ytr):
        keep = torch.randperm(len(ytr), generator=torch.Generator().manual_seed(2))[:a.train_subset].sort().values
        xtr, ytr = xtr[keep], ytr[keep]
    if a.test_subset:
        xte, yte = xte[:a.test_subset], yte[:a.test_subset]
    xte = normalise(xte)
    runs = [(loss, int(seed)) for loss in a.losses.split(",") for seed in a.seeds.split(",")]
    t = {"setup": 0.0, "train": 0.0, "eval": 0.0}
    if a.mode == "vmap":
        groups = train_ensembles(a, runs, xtr, ytr, xte, yte, t)
    else:
        train_runs(a, runs, xtr, ytr, xte, yte, t)
        groups = [[f"{loss}_s{seed}"] for loss, seed in runs]
    print(json.dumps({
        "mode": a.mode, "runs": len(runs), "epochs": a.epochs, "train_images": len(ytr), "test_images": len(yte),
        "setup_seconds": t["setup"], "train_seconds": t["train"], "eval_seconds": t["eval"], "groups": groups,
        "memory_bytes_per_run": memory_estimate(build_model(a.arch), a.batch, tuple(xtr.shape[1:])),
        "memory_kind": "estimate: parameters + gradients + momentum + one batch's activations",
        "threads": a.threads, "torch": torch.__version__,
    }), flush=True)


if __name__ == "__main__":
    main()
