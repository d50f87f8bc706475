"""LossLab's losses in PyTorch, under LossLab's names (packages/kernels/src/ops/loss_kind.ts), each the
mean over the batch, defined as packages/kernels/src/reference/loss.ts does:

  ce          cross-entropy
  focal:γ     (1 − p_y)^γ · ce, with p_y = exp(−ce)
  l1          mean over the N×C entries of |softmax(z) − onehot(y)|
  l1-logits   mean over the N×C entries of |z − onehot(y)|
  ls:ε        cross-entropy with label smoothing ε (PyTorch's label_smoothing)
  gce:q       generalised cross-entropy (1 − p_y^q) / q (Zhang & Sabuncu 2018)

The golden files' spellings (focal0.5, focal2, l1logits) are accepted too."""
import re

import torch
import torch.nn.functional as F

LOSSES = ["ce", "focal:0.5", "focal:2", "l1", "l1-logits", "ls:0.1", "gce:0.7"]


def _canonical(name):
    s = name.strip().lower()
    if s == "l1logits":
        return "l1-logits"
    m = re.fullmatch(r"(focal|ls|gce):?([0-9.]+)", s)
    return f"{m.group(1)}:{m.group(2)}" if m else s


def make_loss(name):
    """The loss called `name` as a function (logits [N, C], targets [N]) → scalar mean."""
    s = _canonical(name)
    kind, _, arg = s.partition(":")
    if s == "ce":
        return lambda z, y: F.cross_entropy(z, y)
    if kind == "focal":
        g = float(arg)
        return lambda z, y: _focal(z, y, g)
    if s == "l1":
        return lambda z, y: (F.softmax(z, 1) - F.one_hot(y, z.shape[1]).to(z.dtype)).abs().mean()
    if s == "l1-logits":
        return lambda z, y: (z - F.one_hot(y, z.shape[1]).to(z.dtype)).abs().mean()
    if kind == "ls":
        eps = float(arg)
        return lambda z, y: F.cross_entropy(z, y, label_smoothing=eps)
    if kind == "gce":
        q = float(arg)
        return lambda z, y: (-torch.expm1(-q * F.cross_entropy(z, y, reduction="none")) / q).mean()
    raise SystemExit(f"unknown loss {name!r}; expected ce, focal:<g>, l1, l1-logits, ls:<eps>, gce:<q>")


def _focal(z, y, g):
    ce = F.cross_entropy(z, y, reduction="none")
    return ((1 - torch.exp(-ce)) ** g * ce).mean()


def loss_fn(name, z, y):
    return make_loss(name)(z, y)
