"""LossLab's models, losses and data pipeline in PyTorch: the one place the project's Python scripts
(make_fixture.py, make_fixtures.py, torch_train.py, trajectory.py) take them from. Names follow LossLab:
architectures as in `--arch`, losses as in `--losses`, state-dict keys as LossLab's parameters."""
from .models import MODELS, ConvNet, ConvNetLarge, build_model
from .resnet import ResNet, resnet20, resnet8  # registers resnet20, resnet8 in MODELS
from .losses import LOSSES, ZOO, make_loss, loss_fn
from .magnitude import magnitudes

__all__ = ["MODELS", "ConvNet", "ConvNetLarge", "ResNet", "resnet20", "resnet8", "build_model", "LOSSES", "ZOO", "make_loss", "loss_fn", "magnitudes"]
