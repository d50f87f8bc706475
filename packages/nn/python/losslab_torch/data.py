"""CIFAR-10 binary files and LossLab's augmentation in PyTorch.

LossLab (packages/kernels/src/ops/augment_batch.wgsl, mirrored in src/reference/augment.ts) crops
H×W out of the image padded by `pad` with byte 0 (black, before normalisation), flips the crop
horizontally, then normalises (x/255 − mean)/std per channel. `crop_flip_normalise` does the same
given the offsets and flips of each sample; mean, std and pad are the data set's (CIFAR-10's by
default), as its descriptor in packages/experiments/src/data/ gives them."""
import os

import numpy as np
import torch
import torch.nn.functional as F

MEAN = (0.4914, 0.4822, 0.4465)
STD = (0.2023, 0.1994, 0.2010)
PAD = 4
TRAIN_FILES = [f"data_batch_{i}.bin" for i in range(1, 6)]
TEST_FILE = "test_batch.bin"


def read_split(folder, files):
    """uint8 images [N, 3, 32, 32] and int64 labels [N] from CIFAR-10 binary files (3073 bytes a record)."""
    raw = np.concatenate([np.fromfile(os.path.join(folder, f), dtype=np.uint8) for f in files]).reshape(-1, 3073)
    return torch.from_numpy(raw[:, 1:].reshape(-1, 3, 32, 32).copy()), torch.from_numpy(raw[:, 0].astype(np.int64))


def normalise(x, mean=MEAN, std=STD):
    """float32 (x/255 − mean)/std of a uint8 batch (or of a float batch already in [0, 1])."""
    if x.dtype == torch.uint8:
        x = x.float() / 255.0
    c = len(mean)
    return (x - torch.tensor(mean, dtype=torch.float32).view(1, c, 1, 1)) / torch.tensor(std, dtype=torch.float32).view(1, c, 1, 1)


def crop_flip_normalise(x_u8, dy, dx, flip, pad=PAD, mean=MEAN, std=STD):
    """The batch LossLab's augmentation makes: zero-padded crop at (dy, dx) ∈ [0, 2·pad]², then flip where set."""
    b, _, h, w = x_u8.shape
    x = F.pad(x_u8.float() / 255.0, (pad, pad, pad, pad))
    rows = (dy[:, None] + torch.arange(h))[:, :, None]
    cols = (dx[:, None] + torch.arange(w))[:, None, :]
    x = x.permute(0, 2, 3, 1)[torch.arange(b)[:, None, None], rows, cols].permute(0, 3, 1, 2)
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    return normalise(x, mean, std)


def read_exchange_split(folder, name, shape):
    """uint8 images [N, C, H, W] and int64 labels [N] that LossLab wrote for a trajectory (<name>_images.bin, <name>_labels.bin as u16)."""
    images = np.fromfile(os.path.join(folder, f"{name}_images.bin"), dtype=np.uint8)
    labels = np.fromfile(os.path.join(folder, f"{name}_labels.bin"), dtype="<u2").astype(np.int64)
    return torch.from_numpy(images.reshape(-1, *shape).copy()), torch.from_numpy(labels)
