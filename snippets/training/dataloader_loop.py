"""Mini-batches from a DataLoader: the batches come out on the CPU; move each one to the device."""

import torch
from sklearn.datasets import load_iris
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

# The accelerator this machine can use (CUDA, MPS, ...), else the CPU.
device = torch.accelerator.current_accelerator(check_available=True) or torch.device("cpu")
torch.manual_seed(0)

features, labels = load_iris(return_X_y=True)
features = (features - features.mean(axis=0)) / features.std(axis=0)
dataset = TensorDataset(torch.tensor(features, dtype=torch.float32), torch.tensor(labels))
loader = DataLoader(
    dataset, batch_size=32, shuffle=True,
    generator=torch.Generator().manual_seed(0),  # the same shuffles on every run
    pin_memory=device.type == "cuda",            # page-locked host memory: faster copies to a GPU
)

model = nn.Sequential(nn.Linear(4, 10), nn.ReLU(), nn.Linear(10, 3)).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)  # after the move
loss_fn = nn.CrossEntropyLoss()

for epoch in range(30):
    for xb, yb in loader:
        xb, yb = xb.to(device, non_blocking=True), yb.to(device, non_blocking=True)
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
    if epoch == 0:
        print("batches per epoch:", len(loader), "| last batch on the model's device:",
              xb.device == next(model.parameters()).device)

with torch.no_grad():
    x_all, y_all = dataset.tensors
    predicted = model(x_all.to(device)).argmax(dim=1).cpu()
print("training accuracy above 0.9:", (predicted == y_all).float().mean().item() > 0.9)
