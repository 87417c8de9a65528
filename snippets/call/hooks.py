"""Proof that module(x) runs hooks and module.forward(x) skips them."""

import torch
from torch import nn


def announce(module, inputs, output):
    print(f"forward hook: {type(module).__name__} produced {tuple(output.shape)}")


torch.manual_seed(0)
layer = nn.Linear(4, 3)
handle = layer.register_forward_hook(announce)
x = torch.randn(2, 4)

if __name__ == "__main__":
    print("calling layer(x):")
    layer(x)                 # __call__ runs forward, then the hook
    print("calling layer.forward(x):")
    layer.forward(x)         # forward alone: the hook is silently skipped
    handle.remove()
    print("after handle.remove(), layer(x):")
    layer(x)
    print("done")
