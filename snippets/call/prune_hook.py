"""A real hook user: pruning recomputes the weight in a forward pre-hook before every call."""

import torch
from torch import nn
from torch.nn.utils import prune

torch.manual_seed(0)
layer = nn.Linear(4, 3)
prune.l1_unstructured(layer, "weight", amount=0.5)  # weight = weight_orig * weight_mask, in a pre-hook
x = torch.randn(2, 4)

with torch.no_grad():
    layer.weight_orig += 0.1  # what an optimizer step does: it trains weight_orig, not weight

stale = layer.forward(x)  # forward alone: the hook does not run, the old weight is used
fresh = layer(x)          # __call__ runs the pre-hook first: the weight is recomputed
print(torch.equal(stale, fresh))
print(torch.equal(layer.forward(x), fresh))  # the hook has updated layer.weight by now
