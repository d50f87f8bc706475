"""CIFAR-10 binary files and LossLab's augmentation in PyTorch.

LossLab (packages/kernels/src/ops/augment_batch.wgsl, mirrored in src/reference/augment.ts) crops
32×32 out of the image padded by 4 with byte 0 (black, before normalisation), flips the crop
horizontally, then normalises (x/255 − mean)/std per channel. `crop_flip_normalise` does the same
given the offsets and flips of each sample."""
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


def normalise(x):
    """float32 (x/255 − mean)/std of a uint8 batch (or of a float batch already in [0, 1])."""
    if x.dtype == torch.uint8:
        x = x.float() / 255.0
    return (x - torch.tensor(MEAN).view(1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)


def crop_flip_normalise(x_u8, dy, dx, flip, pad=PAD):
    """The batch LossLab's augmentation makes: zero-padded crop at (dy, dx) ∈ [0, 2·pad]², then flip where set."""
    b = x_u8.shape[0]
    x = F.pad(x_u8.float() / 255.0, (pad, pad, pad, pad))
    ar = torch.arange(32)
    rows = (dy[:, None] + ar)[:, :, None]
    cols = (dx[:, None] + ar)[:, None, :]
    x = x.permute(0, 2, 3, 1)[torch.arange(b)[:, None, None], rows, cols].permute(0, 3, 1, 2)
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    return normalise(x)
