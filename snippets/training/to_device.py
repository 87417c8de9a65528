"""What .to(device) does to a tensor, to a module, and to an optimizer created too early.

The "meta" device exists in every PyTorch build: its tensors have a shape and a dtype but no data.
It stands in for a second device here, so that the output is the same on every machine.
"""

import torch
from torch import nn

other = torch.device("meta")

# A tensor: .to() returns a new tensor on the other device; the original stays where it was.
x = torch.ones(2, 3)
y = x.to(other)
print("tensor:", x.device, "->", y.device, "| same object:", y is x)
print("already there, no copy:", x.to("cpu") is x)

# A module: .to() moves its parameters in place and returns the module itself.
torch.manual_seed(0)
model = nn.Linear(4, 3)
weight_before = model.weight
early = torch.optim.SGD(model.parameters(), lr=0.01)  # created BEFORE the move: a mistake
returned = model.to(other)
print("module: returned itself:", returned is model, "| weight now on:", model.weight.device)
print("weight is the same object:", model.weight is weight_before)

# The early optimizer still holds the old parameters, so its step() would never touch the model.
print("early optimizer holds the model's weight:", early.param_groups[0]["params"][0] is model.weight)
late = torch.optim.SGD(model.parameters(), lr=0.01)  # created AFTER the move: right
print("late optimizer holds the model's weight:", late.param_groups[0]["params"][0] is model.weight)
