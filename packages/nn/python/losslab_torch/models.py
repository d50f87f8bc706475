"""LossLab's architectures as PyTorch modules: the same layers in the same order under the same names as
packages/nn/src/models.ts, so state dicts (conv1.weight, …) and activation names (conv1, pool1,
fc1_relu, …) match. Each model is an nn.Sequential of named layers; `activations` runs one and keeps
what LossLab's unfused forward plan exposes.

Every model takes the data set's class count and per-sample input shape (C, H, W), as LossLab's do:
the first convolution reads C channels, and a flattened size is measured by running the feature
layers once on zeros of that shape (which draws no random numbers, so the initialisation is the
same stream as a model built for 3×32×32)."""
from collections import OrderedDict

import torch
import torch.nn as nn

CIFAR_INPUT = (3, 32, 32)


def _seq(layers):
    return OrderedDict(layers)


def _flat_size(features, input_shape):
    with torch.no_grad():
        return nn.Sequential(_seq(features))(torch.zeros(1, *input_shape)).numel()


class ConvNet(nn.Sequential):
    """The study's ConvNet: conv C→4 k3, ReLU, pool 2, conv 4→8 k3, ReLU, pool 2, flatten (288 for 3×32×32,
    200 for 1×28×28), fc →32, ReLU, fc 32→classes."""

    def __init__(self, classes=10, input_shape=CIFAR_INPUT):
        features = [
            ("conv1", nn.Conv2d(input_shape[0], 4, 3)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(4, 8, 3)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
        ]
        flat = _flat_size(features, input_shape)
        super().__init__(_seq(features + [
            ("flatten", nn.Flatten()),
            ("fc1", nn.Linear(flat, 32)), ("relu3", nn.ReLU()),
            ("fc2", nn.Linear(32, classes)),
        ]))


class ConvNetLarge(nn.Sequential):
    """Three conv blocks of 32/64/128 channels (padding 1), then fc (2048 for 32×32)→128, ReLU, fc 128→classes."""

    def __init__(self, classes=10, input_shape=CIFAR_INPUT):
        features = [
            ("conv1", nn.Conv2d(input_shape[0], 32, 3, padding=1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(32, 64, 3, padding=1)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
            ("conv3", nn.Conv2d(64, 128, 3, padding=1)), ("relu3", nn.ReLU()), ("pool3", nn.MaxPool2d(2)),
        ]
        flat = _flat_size(features, input_shape)
        super().__init__(_seq(features + [
            ("flatten", nn.Flatten()),
            ("fc1", nn.Linear(flat, 128)), ("relu4", nn.ReLU()),
            ("fc2", nn.Linear(128, classes)),
        ]))


# LossLab's --arch names → constructors. resnet.py registers its models here too.
MODELS = {
    "convnet": ConvNet,
    "convnet-large": ConvNetLarge,
}


def build_model(arch, classes=10, input_shape=CIFAR_INPUT):
    """`arch` for `classes` classes and per-sample input (C, H, W), as LossLab's buildModel."""
    if arch not in MODELS:
        raise SystemExit(f"unknown architecture {arch!r}; known: {', '.join(MODELS)}")
    return MODELS[arch](classes, tuple(input_shape))


def activations(model, x):
    """Runs a Sequential model and returns (logits, {name: tensor}) with LossLab's activation names:
    a conv's or linear's output before its ReLU under the layer's name, a ReLU after a linear layer as
    `<layer>_relu`, pools under their names, the last output as `logits`."""
    acts, prev = {}, None
    for name, layer in model.named_children():
        x = layer(x)
        if isinstance(layer, (nn.Conv2d, nn.MaxPool2d)):
            acts[name] = x
        elif isinstance(layer, nn.ReLU) and prev is not None and isinstance(dict(model.named_children())[prev], nn.Linear):
            acts[f"{prev}_relu"] = x
        prev = name
    acts["logits"] = x
    return x, acts
