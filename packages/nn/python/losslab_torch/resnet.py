"""ResNet for CIFAR-10 as in He et al. 2016 (section 4.2), the PyTorch reference of LossLab's
`resnet20` / `resnet8` (packages/nn/src/models.ts): same structure, same state-dict names.

3x3 conv with 16 filters, BatchNorm, ReLU; three stages of n basic blocks with 16/32/64
channels on 32/16/8 feature maps (the first block of stages 2 and 3 subsamples with stride 2);
identity shortcuts, zero-padded in channels and subsampled where the shape changes (option A);
global average pooling; a linear layer. Convolutions have no bias. Weights of convolutions and
the linear layer: Kaiming normal (He et al. 2015, fan_in, gain sqrt(2)); BatchNorm gamma 1,
beta 0; the linear bias PyTorch's default U(+-1/sqrt(fan_in)).

forward(x, acts) also records every activation under LossLab's names (a ReLU's output is
`<what it rectifies>_relu`; a block's sum before its ReLU is the block's name).
"""
import torch.nn as nn
import torch.nn.functional as F


class BasicBlock(nn.Module):
    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.stride = stride
        self.pad = (planes - in_planes) // 2

    def shortcut(self, x):
        if self.stride == 1 and self.pad == 0:
            return x
        # option A: subsample, then zero channels on both sides
        return F.pad(x[:, :, ::self.stride, ::self.stride], (0, 0, 0, 0, self.pad, self.pad))

    def forward(self, x, acts, name):
        a = {}
        a[f"{name}.conv1"] = self.conv1(x)
        a[f"{name}.bn1"] = self.bn1(a[f"{name}.conv1"])
        a[f"{name}.bn1_relu"] = F.relu(a[f"{name}.bn1"])
        a[f"{name}.conv2"] = self.conv2(a[f"{name}.bn1_relu"])
        a[f"{name}.bn2"] = self.bn2(a[f"{name}.conv2"])
        a[name] = a[f"{name}.bn2"] + self.shortcut(x)
        a[f"{name}_relu"] = F.relu(a[name])
        acts.update(a)
        return a[f"{name}_relu"]


class ResNet(nn.Module):
    def __init__(self, n, classes=10, input_shape=(3, 32, 32)):
        super().__init__()
        self.conv1 = nn.Conv2d(input_shape[0], 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        in_planes = 16
        for stage, planes in enumerate([16, 32, 64]):
            blocks = []
            for b in range(n):
                blocks.append(BasicBlock(in_planes, planes, 2 if stage > 0 and b == 0 else 1))
                in_planes = planes
            setattr(self, f"layer{stage + 1}", nn.Sequential(*blocks))
        self.linear = nn.Linear(64, classes)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight)

    def forward(self, x, acts=None):
        a = {} if acts is None else acts
        a["conv1"] = self.conv1(x)
        a["bn1"] = self.bn1(a["conv1"])
        a["bn1_relu"] = F.relu(a["bn1"])
        out = a["bn1_relu"]
        for stage in (1, 2, 3):
            for b, block in enumerate(getattr(self, f"layer{stage}")):
                out = block(out, a, f"layer{stage}.{b}")
        a["avgpool"] = F.adaptive_avg_pool2d(out, 1).flatten(1)
        a["logits"] = self.linear(a["avgpool"])
        return a["logits"]


def resnet20(classes=10, input_shape=(3, 32, 32)):
    return ResNet(3, classes, input_shape)


def resnet8(classes=10, input_shape=(3, 32, 32)):
    return ResNet(1, classes, input_shape)


# LossLab's --arch names (models.py's MODELS holds them all).
from .models import MODELS  # noqa: E402

MODELS.update({"resnet20": resnet20, "resnet8": resnet8})
