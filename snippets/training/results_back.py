"""Getting results back from the device: .item() for one number, .cpu().numpy() for an array."""

import torch

# The accelerator this machine can use (CUDA, MPS, ...), else the CPU.
device = torch.accelerator.current_accelerator(check_available=True) or torch.device("cpu")

scores = torch.arange(6, dtype=torch.float32, device=device).reshape(2, 3)
total = scores.sum()              # still a tensor, on the device
print(type(total.item()).__name__, total.item())  # .item(): a Python number (waits for the device)

array = scores.cpu().numpy()      # NumPy reads host memory only: copy to the CPU first
print(type(array).__name__, array.tolist())

try:
    torch.ones(2, device="meta").numpy()  # any tensor that is not on the CPU
except TypeError as err:
    print("TypeError:", err)
