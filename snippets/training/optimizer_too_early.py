"""The classic failure: an Adagrad created before model.to("cuda") keeps its state on the CPU."""

import torch
from torch import nn


def main():
    if not torch.cuda.is_available():
        print("no CUDA device on this machine")
        return
    model = nn.Linear(4, 3)
    optimizer = torch.optim.Adagrad(model.parameters())  # too early: its state is created now, on the CPU
    model.to("cuda")  # the parameters move (same objects, new data); the optimizer's state does not
    model(torch.randn(8, 4, device="cuda")).sum().backward()
    optimizer.step()  # RuntimeError: the state and the gradients are on different devices


if __name__ == "__main__":
    main()
