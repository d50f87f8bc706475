"""LossLab's losses in PyTorch, under LossLab's names (packages/kernels/src/losses/definitions), each the
mean over the batch. Written by hand from the papers, NOT generated from LossLab's definitions: the
fixtures made from these check LossLab's compiler (a wrong formula or derivative rule there shows up
as a parity failure).

Built-ins (defined as packages/kernels/test/handwritten-loss-ref.ts does):
  ce          cross-entropy
  focal:γ     (1 − p_y)^γ · ce, with p_y = exp(−ce)
  l1          mean over the N×C entries of |softmax(z) − onehot(y)|
  l1-logits   mean over the N×C entries of |z − onehot(y)|
  ls:ε        cross-entropy with label smoothing ε (PyTorch's label_smoothing)
  gce:q       generalised cross-entropy (1 − p_y^q) / q (Zhang & Sabuncu 2018)

The zoo (parameters positional in this order, defaults as in the papers' CIFAR-10 settings):
  mse               Brier score Σ_k (p_k − onehot_k)² (Brier 1950)
  poly1:ε=1         Poly-1, ce + ε·(1 − p_y) (Leng et al., ICLR 2022)
  taylor:n=2        Taylor cross-entropy Σ_{i=1..n} (1 − p_y)^i / i (Feng et al., IJCAI 2020)
  rce               reverse cross-entropy −Σ_k p_k log onehot_k with log 0 = A = −4 (Wang et al., ICCV 2019)
  sce:α=0.1,β=1     symmetric cross-entropy α·ce + β·rce (Wang et al., ICCV 2019)
  nce               normalized cross-entropy log p_y / Σ_k log p_k (Ma et al., ICML 2020)
  nce_rce:α=1,β=1   α·nce + β·rce (Ma et al., ICML 2020)
  nfl:γ=0.5         normalized focal loss FL_y / Σ_k FL_k, FL_k = −(1 − p_k)^γ log p_k (Ma et al., ICML 2020)
  nfl_rce:α=1,β=1,γ=0.5   α·nfl + β·rce (Ma et al., ICML 2020)
  hinge:margin=1    Weston–Watkins multi-class hinge Σ_{k≠y} max(0, margin + z_k − z_y) (ESANN 1999)
  focal_ls:γ=2,ε=0.1  Σ_k −t̃_k (1 − p_k)^γ log p_k, t̃ = (1 − ε)·onehot + ε/C

The golden files' spellings (focal0.5, focal2, l1logits) are accepted too. A loss the user defined
(`name=expression`) arrives as LossLab's generated PyTorch expression (defined.py)."""
import re

import torch
import torch.nn.functional as F

LOSSES = ["ce", "focal:0.5", "focal:2", "l1", "l1-logits", "ls:0.1", "gce:0.7"]
ZOO = ["mse", "poly1", "taylor", "rce", "sce", "nce", "nce_rce", "nfl", "nfl_rce", "hinge", "focal_ls"]

A_LOG0 = -4.0  # the SCE paper's clamp of log 0


def _onehot(z, y):
    # A comparison, not F.one_hot: one_hot reads max(y), which functorch's vmap cannot batch (bench --study's ensemble).
    return (y[:, None] == torch.arange(z.shape[1], device=y.device)).to(z.dtype)


def _p_y(z, y):
    return F.softmax(z, 1).gather(1, y[:, None])[:, 0]


def _ce(z, y):
    return F.cross_entropy(z, y, reduction="none")


def _focal(z, y, g):
    ce = _ce(z, y)
    return (1 - torch.exp(-ce)) ** g * ce


def _rce(z, y):
    # −Σ_k p_k log q_k with q the one-hot label and log 0 clamped to A.
    log_q = torch.clamp(torch.log(_onehot(z, y)), min=A_LOG0)
    return -(F.softmax(z, 1) * log_q).sum(1)


def _nce(z, y):
    logp = F.log_softmax(z, 1)
    return logp.gather(1, y[:, None])[:, 0] / logp.sum(1)


def _nfl(z, y, g):
    logp = F.log_softmax(z, 1)
    fl = -((1 - logp.exp()) ** g) * logp
    return fl.gather(1, y[:, None])[:, 0] / fl.sum(1)


def _hinge(z, y, margin):
    zy = z.gather(1, y[:, None])
    terms = torch.clamp(margin + z - zy, min=0) * (1 - _onehot(z, y))
    return terms.sum(1)


def _focal_ls(z, y, g, eps):
    c = z.shape[1]
    logp = F.log_softmax(z, 1)
    target = (1 - eps) * _onehot(z, y) + eps / c
    return -(target * (1 - logp.exp()) ** g * logp).sum(1)


# name → (parameter defaults in order, per-sample function (z, y, *params))
_ZOO = {
    "mse": ((), lambda z, y: ((F.softmax(z, 1) - _onehot(z, y)) ** 2).sum(1)),
    "poly1": ((1.0,), lambda z, y, e: _ce(z, y) + e * (1 - _p_y(z, y))),
    "taylor": ((2,), lambda z, y, n: sum((1 - _p_y(z, y)) ** i / i for i in range(1, int(n) + 1))),
    "rce": ((), _rce),
    "sce": ((0.1, 1.0), lambda z, y, a, b: a * _ce(z, y) + b * _rce(z, y)),
    "nce": ((), _nce),
    "nce_rce": ((1.0, 1.0), lambda z, y, a, b: a * _nce(z, y) + b * _rce(z, y)),
    "nfl": ((0.5,), _nfl),
    "nfl_rce": ((1.0, 1.0, 0.5), lambda z, y, a, b, g: a * _nfl(z, y, g) + b * _rce(z, y)),
    "hinge": ((1.0,), _hinge),
    "focal_ls": ((2.0, 0.1), _focal_ls),
}


def _canonical(name):
    s = name.strip().lower()
    if s == "l1logits":
        return "l1-logits"
    m = re.fullmatch(r"(focal|ls|gce):?([0-9.]+)", s)
    return f"{m.group(1)}:{m.group(2)}" if m else s


def make_loss(name, expression=None):
    """The loss called `name` as a function (logits [N, C], targets [N]) → scalar mean. `expression`:
    LossLab's generated PyTorch expression of a user-defined loss (defined.py)."""
    if expression is not None:
        from .defined import make_defined_loss
        return make_defined_loss(expression)
    s = _canonical(name)
    kind, _, arg = s.partition(":")
    if s == "ce":
        return lambda z, y: F.cross_entropy(z, y)
    if kind == "focal":
        g = float(arg)
        return lambda z, y: _focal(z, y, g).mean()
    if s == "l1":
        return lambda z, y: (F.softmax(z, 1) - _onehot(z, y)).abs().mean()
    if s == "l1-logits":
        return lambda z, y: (z - _onehot(z, y)).abs().mean()
    if kind == "ls":
        eps = float(arg)
        return lambda z, y: F.cross_entropy(z, y, label_smoothing=eps)
    if kind == "gce":
        q = float(arg)
        return lambda z, y: (-torch.expm1(-q * _ce(z, y)) / q).mean()
    if kind in _ZOO:
        defaults, fn = _ZOO[kind]
        given = [float(v) for v in arg.split(",")] if arg else []
        if len(given) > len(defaults):
            raise SystemExit(f"loss {name!r} takes {len(defaults)} parameters")
        params = given + list(defaults[len(given):])
        return lambda z, y: fn(z, y, *params).mean()
    raise SystemExit(f"unknown loss {name!r}; expected ce, focal:<g>, l1, l1-logits, ls:<eps>, gce:<q>, {', '.join(ZOO)}")


def loss_fn(name, z, y):
    return make_loss(name)(z, y)
