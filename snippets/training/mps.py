"""On Apple silicon: what PyTorch sees, and timing with MPS events."""

import torch


def main():
    print("built with MPS:", torch.backends.mps.is_built(),
          "| available:", torch.backends.mps.is_available())
    if not torch.backends.mps.is_available():
        return
    device = torch.device("mps")
    a = torch.randn(4096, 4096, device=device)
    a @ a                          # warm-up
    torch.mps.synchronize()
    start = torch.mps.event.Event(enable_timing=True)
    end = torch.mps.event.Event(enable_timing=True)
    start.record()
    c = a @ a
    end.record()
    end.synchronize()              # wait until the GPU has passed the end marker
    print(f"4096x4096 matmul: {start.elapsed_time(end):.3f} ms (MPS events)")
    print(f"memory held by tensors: {torch.mps.current_allocated_memory() / 2**20:.0f} MiB")
    del c


if __name__ == "__main__":
    main()
