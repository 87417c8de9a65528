"""Optimizer state lives on the parameters' device. When is it created?"""

import torch
from torch import nn

model = nn.Linear(4, 3)
adagrad = torch.optim.Adagrad(model.parameters())
adam = torch.optim.Adam(model.parameters())
# Adagrad creates its running sums in the constructor, on the parameters' device (the CPU here);
# Adam creates its moments at the first step(), wherever the parameters are by then.
print("Adagrad: state for", len(adagrad.state), "tensors, on", adagrad.state[model.weight]["sum"].device)
print("Adam: state for", len(adam.state), "tensors")
