"""On the CPU: what PyTorch sees, and timing with the clock alone (CPU operations finish on return)."""

import os
import time

import torch

print("torch", torch.__version__, "| logical CPUs:", os.cpu_count(),
      "| intra-op threads:", torch.get_num_threads())

device = torch.device("cpu")
a = torch.randn(1024, 1024, device=device)
a @ a                                  # warm-up
start = time.perf_counter()
c = a @ a                              # returns when the result is ready
elapsed = time.perf_counter() - start
print(f"1024x1024 matmul: {elapsed * 1e3:.2f} ms")
