"""How this chapter times things: warm up, wait for the device, repeat, keep the median.

The other overhead_*.py programs import `time_per_call` and `make_epoch` from here.
"""

import statistics
import time

import torch
from torch import nn

from iris_setup import load_iris_tensors, pick_device


# --8<-- [start:timer]
def synchronize(device):
    """Wait until the device has finished everything queued on it (CUDA and MPS run ahead)."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def time_per_call(fn, device, repeats=5, min_time=0.05):
    """Median seconds per call of fn() over `repeats` rounds.

    Each round calls fn() n times in a row, n chosen so that a round lasts at least min_time
    seconds (one call can be far shorter than the clock resolves), then waits for the device.
    """
    fn()  # warm-up: first calls allocate memory, load kernels, fill caches
    synchronize(device)
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        synchronize(device)
        elapsed = time.perf_counter() - start
        if elapsed >= min_time or calls >= 1 << 20:
            break
        calls *= 2 if elapsed < min_time / 4 else 4
    rounds = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        synchronize(device)
        rounds.append((time.perf_counter() - start) / calls)
    return statistics.median(rounds)
# --8<-- [end:timer]


# --8<-- [start:epoch]
def make_epoch(model, x, y, lr=0.01, item=True):
    """One epoch of the seed's loop (iris_setup.train_full_batch) as a function we can time.

    item=False keeps the loss on the device instead of calling .item(), so nothing waits.
    """
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)

    def epoch():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item() if item else loss.detach()

    return epoch
# --8<-- [end:epoch]


if __name__ == "__main__":
    from iris_setup import IrisMLP

    torch.manual_seed(0)
    for device in sorted({torch.device("cpu"), pick_device()}, key=str):
        tiny = torch.zeros(1, device=device)
        add = time_per_call(lambda t=tiny: t.add_(1), device, min_time=0.02)
        x, y, _, _ = load_iris_tensors()
        epoch = make_epoch(IrisMLP().to(device), x.to(device), y.to(device))
        per_epoch = time_per_call(epoch, device, min_time=0.02)
        print(f"{device}: one add_ on a 1-element tensor {add * 1e6:.2f} µs, "
              f"one Iris epoch {per_epoch * 1e6:.0f} µs (medians of 5 rounds)")
