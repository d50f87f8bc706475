"""Losses users define in LossLab (`name=expression`): LossLab compiles the definition and sends the
per-sample loss as a PyTorch expression over the names below (packages/kernels/src/losses/torch.ts
generates it from the compiled tree, never from the user's text). Autograd differentiates it."""
import torch
import torch.nn.functional as F


def _t(a, like):
    return a if torch.is_tensor(a) else torch.full_like(like, float(a))


def _namespace(z, y):
    c = z.shape[1]
    onehot = F.one_hot(y, c).to(z.dtype)
    logp = F.log_softmax(z, 1)
    p = logp.exp()
    py = p.gather(1, y[:, None])
    col = z[:, :1]
    return {
        "z": z, "y": y, "t": onehot, "p": p, "logp": logp, "C": float(c),
        "zy": z.gather(1, y[:, None]), "py": py, "ce": -logp.gather(1, y[:, None]),
        "q": (p * (1 - onehot)).sum(1, keepdim=True), "omp": 1 - p,
        "_log": torch.log, "_exp": torch.exp, "_abs": torch.abs, "_sqrt": torch.sqrt, "_sign": torch.sign,
        "_expm1": torch.expm1, "_pow": lambda a, e: torch.pow(a, e),
        "_max": lambda a, b: torch.maximum(_t(a, col), _t(b, col)),
        "_min": lambda a, b: torch.minimum(_t(a, col), _t(b, col)),
        "_sum_k": lambda a: a.sum(1, keepdim=True),
        "_max_k": lambda a: a.max(1, keepdim=True).values,
    }


NAMES = ("z", "y", "t", "p", "logp", "C", "zy", "py", "ce", "q", "omp", "_log", "_exp", "_abs", "_sqrt", "_sign",
         "_expm1", "_pow", "_max", "_min", "_sum_k", "_max_k")


def make_defined_loss(expression):
    """(logits [N, C], targets [N]) → the batch mean of the generated per-sample expression."""
    code = compile(expression, "<losslab loss>", "eval")
    unknown = [n for n in code.co_names if n not in NAMES]
    if unknown:
        raise SystemExit(f"generated loss expression uses unknown names {unknown}")

    def loss(z, y):
        per_sample = eval(code, {"__builtins__": {}}, _namespace(z, y))
        return _t(per_sample, z[:, :1]).mean()
    return loss
