"""Shared pieces of the Iris programs: the model, the data, the seed's loop and the device.

The programs beside this file import from it: download it into the same folder as them.
It imports installed packages only (torch, scikit-learn).
"""

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
    """The accelerator this machine can use (CUDA, MPS, ...), else the CPU; or exactly the one asked for."""
    usable = torch.accelerator.current_accelerator(check_available=True)  # None without one
    if name == "auto":
        return usable or torch.device("cpu")
    if name != "cpu" and (usable is None or usable.type != name):
        raise ValueError(f"device {name!r} is not available on this machine "
                         f"(torch {torch.__version__}); use --device cpu or auto")
    return torch.device(name)
# --8<-- [end:device]


# --8<-- [start:synchronize]
def synchronize(device):
    """Wait until `device` has finished the work queued on it, so that a clock reading is true.

    CPU operations have finished when the call returns; CUDA and MPS run behind the Python code.
    """
    if device.type != "cpu":
        torch.accelerator.synchronize(device)
# --8<-- [end:synchronize]


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
