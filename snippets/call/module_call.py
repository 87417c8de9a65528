"""What `self.fc1(x)` really runs: nn.Module.__call__, which then calls forward."""

import torch
from torch import nn

torch.manual_seed(0)
fc1 = nn.Linear(4, 10)
x = torch.randn(2, 4)

if __name__ == "__main__":
    # Linear defines forward, not __call__: the call comes from the base class.
    print("__call__" in vars(nn.Linear), "forward" in vars(nn.Linear))
    print(type(fc1).__call__ is nn.Module.__call__)
    # fc1(x) → nn.Module.__call__(fc1, x) → (hooks) → nn.Linear.forward(fc1, x)
    print(torch.equal(fc1(x), fc1.forward(x)))
    print(torch.allclose(fc1(x), x @ fc1.weight.T + fc1.bias))
