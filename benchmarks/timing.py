"""The one timing harness of the benchmarks: warm up, wait for the device, repeat, keep the median.

`timed` times one call, the device's queued work included; `per_call_samples` times a call far
shorter than the clock resolves, one value per round (for a median and its spread, see
benchmarks/stats.py), and `time_per_call` is their median; `make_epoch` is one epoch of the seed's
loop as a function to time.
"""

from __future__ import annotations

import statistics
import time

import torch
from torch import nn

from snippets.iris_setup import synchronize


def timed(fn, device):
    """(fn()'s result, the seconds it took until the device had finished its work too)."""
    synchronize(device)  # nothing queued earlier is counted
    start = time.perf_counter()
    result = fn()
    synchronize(device)
    return result, time.perf_counter() - start


# --8<-- [start:timer]
def per_call_samples(fn, device, repeats=5, min_time=0.05):
    """Seconds per call of fn(), one value per round, `repeats` rounds.

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
    return rounds


def time_per_call(fn, device, repeats=5, min_time=0.05):
    """Median seconds per call of fn() over `repeats` rounds."""
    return statistics.median(per_call_samples(fn, device, repeats, min_time))
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
