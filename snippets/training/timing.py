"""Timing GPU work: the clock alone lies, because the GPU runs kernels after the call has returned.

Runs anywhere: on a CPU the wrong and the right figures agree (there is nothing to wait for);
on a GPU the wrong one measures only how long it took to queue the work.
"""

import time

import torch
from torch.utils import benchmark

accelerator = torch.accelerator.current_accelerator(check_available=True)  # None without one
device = accelerator or torch.device("cpu")


def matmuls(a, repeats=10):
    for _ in range(repeats):
        c = a @ a
    return c


n = 1024 if device.type == "cpu" else 4096  # keep the CPU run short
a = torch.randn(n, n, device=device)
matmuls(a)            # warm-up: first calls pay for library loading and memory allocation
if accelerator:
    torch.accelerator.synchronize()   # CPU work is done when the call returns; an accelerator's is not

# WRONG: the clock alone
start = time.perf_counter()
matmuls(a)
wrong = time.perf_counter() - start   # on a GPU: the time to QUEUE ten kernels

# RIGHT: synchronize before reading the clock, both times
if accelerator:
    torch.accelerator.synchronize()   # nothing earlier still running
start = time.perf_counter()
matmuls(a)
if accelerator:
    torch.accelerator.synchronize()   # wait until the ten kernels have finished
right = time.perf_counter() - start

# RIGHT, and less work: torch.utils.benchmark repeats the statement and synchronizes for you
timer = benchmark.Timer(stmt="matmuls(a)", globals={"matmuls": matmuls, "a": a},
                        num_threads=torch.get_num_threads())  # its default is one thread
measured = timer.blocked_autorange(min_run_time=0.5)

print(f"device: {device}, ten {n}x{n} matmuls")
print(f"perf_counter alone:         {wrong * 1e3:9.3f} ms")
print(f"perf_counter + synchronize: {right * 1e3:9.3f} ms")
print(f"torch.utils.benchmark:      {measured.median * 1e3:9.3f} ms (median)")
