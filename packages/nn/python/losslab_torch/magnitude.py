"""Σ|terms| of every activation and gradient of a Sequential model (the scale of the sum bound in
packages/kernels/test/tolerances.ts): the model rerun on |input| with |weights| and |biases|, ReLU
masks and pooling winners taken from the real forward, then backpropagated from |d loss / d logits|.
Every quantity is then a sum of nonnegative products, the magnitude of the sum that computed it."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def magnitudes(model, x, grad_logits):
    """({activation name: Σ|terms|}, {param name: Σ|terms| of its gradient}, Σ|terms| of the input gradient)."""
    layers = list(model.named_children())
    # The real forward's routing: ReLU masks and pooling winners.
    routes, h = [], x
    for _, layer in layers:
        if isinstance(layer, nn.MaxPool2d):
            h, idx = F.max_pool2d(h, layer.kernel_size, layer.stride, return_indices=True)
            routes.append(idx)
        else:
            h = layer(h)
            routes.append((h > 0).to(h.dtype) if isinstance(layer, nn.ReLU) else None)
    absp = {k: v.detach().abs().requires_grad_(True) for k, v in model.named_parameters()}
    s = x.detach().abs().requires_grad_(True)
    acts, prev, h = {}, None, s
    for (name, layer), route in zip(layers, routes):
        if isinstance(layer, nn.Conv2d):
            h = F.conv2d(h, absp[f"{name}.weight"], absp.get(f"{name}.bias"), layer.stride, layer.padding)
            acts[name] = h
        elif isinstance(layer, nn.Linear):
            h = F.linear(h, absp[f"{name}.weight"], absp.get(f"{name}.bias"))
        elif isinstance(layer, nn.ReLU):
            h = h * route
            if prev is not None and isinstance(layer_of(layers, prev), nn.Linear):
                acts[f"{prev}_relu"] = h
        elif isinstance(layer, nn.MaxPool2d):
            h = h.flatten(2).gather(2, route.flatten(2)).view(route.shape)
            acts[name] = h
        elif isinstance(layer, nn.Flatten):
            h = torch.flatten(h, 1)
        else:
            raise TypeError(f"magnitudes: no rule for layer {name} ({type(layer).__name__})")
        prev = name
    acts["logits"] = h
    grads = torch.autograd.grad(h, [*absp.values(), s], grad_outputs=grad_logits.detach().abs())
    return ({k: v.detach() for k, v in acts.items()},
            {k: g for k, g in zip(absp, grads[:-1])}, grads[-1])


def layer_of(layers, name):
    return dict(layers)[name]
