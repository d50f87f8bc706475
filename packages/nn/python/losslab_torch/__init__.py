"""PyTorch references of LossLab's models."""
