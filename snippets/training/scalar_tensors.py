"""The one exception to "every tensor on one device": a 0-dim CPU tensor counts as a number."""

import torch

other = torch.device("meta")  # stands in for a GPU: every build has it (shapes, no data)
weights = torch.ones(3, device=other)

scale = torch.tensor(2.0)         # 0-dim, on the CPU: read on the host, passed along like 2.0
print((weights * scale).device)

try:
    weights * torch.ones(3)       # a 1-dim CPU tensor is real data on another device
except RuntimeError as err:
    print("RuntimeError:", err)
