"""Why `super().__init__()` comes first: nn.Module.__setattr__ registers what you assign."""

import torch
from torch import nn


class Scaled(nn.Module):
    def __init__(self):
        super().__init__()                        # creates the registries first
        self.fc1 = nn.Linear(4, 3)                # a Module: registered as a submodule
        self.scale = nn.Parameter(torch.ones(1))  # a Parameter: registered as a parameter
        self.extra = [nn.Linear(3, 3)]            # a plain list: NOT registered
        self.name = "scaled"                      # anything else: an ordinary attribute

    def forward(self, x):
        return self.fc1(x) * self.scale


class Forgetful(nn.Module):
    def __init__(self):
        self.fc1 = nn.Linear(4, 3)  # no super().__init__(): nowhere to register fc1


if __name__ == "__main__":
    model = Scaled()
    print([name for name, _ in model.named_children()])
    print([name for name, _ in model.named_parameters()])
    print(list(model.state_dict()))
    model.to(torch.float64)  # .to() walks the registered children and parameters only
    print(model.fc1.weight.dtype, model.extra[0].weight.dtype)
    try:
        Forgetful()
    except AttributeError as err:
        print("AttributeError:", err)
