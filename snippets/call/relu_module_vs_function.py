"""nn.ReLU (a module) and torch.relu / F.relu (functions) compute the same thing."""

import torch
import torch.nn.functional as F
from torch import nn

x = torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0])

if __name__ == "__main__":
    print(nn.ReLU()(x))
    print(torch.equal(nn.ReLU()(x), torch.relu(x)), torch.equal(torch.relu(x), F.relu(x)))

    # Only the module fits in nn.Sequential and shows up when the model is printed.
    model = nn.Sequential(nn.Linear(4, 10), nn.ReLU(), nn.Linear(10, 3))
    print(model)
