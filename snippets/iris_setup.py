"""Shared pieces of the Iris programs: the model, the data and the device choice.

The other programs in this folder import from here; copy this file next to them.
"""

import sys

import torch
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn


# --8<-- [start:model]
class IrisMLP(nn.Module):
    """4 measurements in, 10 hidden units, 3 species out."""

    def __init__(self, hidden=10):
        super().__init__()
        self.fc1 = nn.Linear(4, hidden)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden, 3)  # raw scores (logits): CrossEntropyLoss applies softmax

    def forward(self, x):
        x = self.fc1(x)      # calls nn.Module.__call__, which calls Linear.forward
        x = self.relu(x)
        return self.fc2(x)
# --8<-- [end:model]


# --8<-- [start:data]
def load_iris_tensors(seed=42):
    """Iris from scikit-learn (bundled, no download): an 80/20 split, features scaled."""
    features, labels = load_iris(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        features, labels, test_size=0.2, random_state=seed, stratify=labels)
    scaler = StandardScaler().fit(x_train)  # fit on the training part only
    return (
        torch.tensor(scaler.transform(x_train), dtype=torch.float32),
        torch.tensor(y_train, dtype=torch.long),
        torch.tensor(scaler.transform(x_test), dtype=torch.float32),
        torch.tensor(y_test, dtype=torch.long),
    )
# --8<-- [end:data]


# --8<-- [start:device]
def pick_device(name="auto"):
    """CUDA if there is one, else Apple's MPS, else the CPU; or exactly the device asked for."""
    available = {
        "cuda": torch.cuda.is_available(),
        "mps": torch.backends.mps.is_available(),
        "cpu": True,
    }
    if name == "auto":
        name = next(kind for kind, present in available.items() if present)
    if name not in available:
        raise ValueError(f"unknown device {name!r}: choose auto, cpu, cuda or mps")
    if not available[name]:
        raise ValueError(f"device {name!r} is not available on this machine "
                         f"(torch {torch.__version__}); use --device cpu or auto")
    return torch.device(name)
# --8<-- [end:device]


# --8<-- [start:train]
def train_full_batch(model, x, y, epochs, lr=0.01):
    """The seed's loop: full batch, plain SGD, loss.item() every epoch. Returns the losses."""
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)  # after model.to(device)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())  # a GPU→CPU copy, so the CPU waits for the GPU every epoch
    return losses
# --8<-- [end:train]


@torch.no_grad()
def accuracy(model, x, y):
    """Fraction of rows whose highest score is the right species."""
    return (model(x).argmax(dim=1) == y).float().mean().item()


def machine_stamp(device=None):
    """Hardware, software and date, for every result file a benchmark writes."""
    import datetime
    import os
    import platform

    import cpuinfo
    import psutil

    stamp = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d"),
        "cpu": cpuinfo.get_cpu_info().get("brand_raw", platform.processor()),
        "physical_cores": psutil.cpu_count(logical=False),
        "logical_cpus": psutil.cpu_count(logical=True),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else psutil.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "gpu": torch.cuda.get_device_name() if torch.cuda.is_available() else None,
        "os": platform.platform(terse=True),
    }
    if device is not None:
        stamp["device"] = str(device)
    return stamp


def fail(message):
    """Print one clear line and exit with status 2, as argparse does for bad options."""
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


if __name__ == "__main__":
    torch.manual_seed(0)
    x_train, y_train, x_test, y_test = load_iris_tensors()
    print(x_train.shape, y_train.shape, x_test.shape, y_test.shape)
    print(IrisMLP())
    device = pick_device()
    print("device:", device)
    model = IrisMLP().to(device)
    losses = train_full_batch(model, x_train.to(device), y_train.to(device), epochs=200)
    print(f"loss after 200 epochs: {losses[-1]:.4f}, "
          f"test accuracy: {accuracy(model, x_test.to(device), y_test.to(device)):.2f}")
