#!/usr/bin/python3
"""Loads a `losslab export` file into the repo's PyTorch model and measures its test accuracy.

    python3 check_export.py --weights CE_weights.safetensors --data-dir CIFAR10_DIR   # prints JSON

The model, the test set and its normalisation come from packages/nn/python/losslab_torch (the
architecture from the file's metadata). The file is read with
`safetensors.torch.load_file` when that package is installed, else with the few lines of
`read_safetensors` below (the format is a length, a JSON header and raw little-endian bytes).
"""
import argparse, json, os, struct, sys

import numpy as np
import torch

sys.dont_write_bytecode = True  # no __pycache__ in the repository
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "nn", "python"))
from losslab_torch import build_model  # noqa: E402
from losslab_torch.data import TEST_FILE, normalise, read_split  # noqa: E402

DTYPES = {"F32": np.float32, "I64": np.int64}


def read_safetensors(path):
    """(state dict, metadata) from a .safetensors file, without the safetensors package."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    state = {}
    for name, e in header.items():
        a, b = e["data_offsets"]
        state[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype=DTYPES[e["dtype"]]).reshape(e["shape"]).copy())
    return state, meta


def load(path):
    try:
        from safetensors import safe_open
        from safetensors.torch import load_file
        with safe_open(path, "pt") as f:
            meta = f.metadata()
        return load_file(path), meta
    except ImportError:
        return read_safetensors(path)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--weights", required=True)
    p.add_argument("--data-dir", default=os.environ.get("CIFAR10_DIR"))
    a = p.parse_args()
    state, meta = load(a.weights)
    model = build_model(meta["arch"])
    model.load_state_dict(state, strict=True)  # every name and shape must match
    model.eval()
    x, y = read_split(a.data_dir, [TEST_FILE])
    correct = 0
    with torch.no_grad():
        for i in range(0, len(y), 1000):
            xb = normalise(x[i:i + 1000])
            correct += int((model(xb).argmax(1) == y[i:i + 1000]).sum())
    print(json.dumps({"arch": meta["arch"], "tensors": len(state), "test_acc": correct / len(y), "n": len(y)}))


if __name__ == "__main__":
    main()
