"""On an NVIDIA GPU: what PyTorch sees, .cuda()/.cpu(), and timing with CUDA events."""

import torch


def main():
    if not torch.cuda.is_available():
        print("no CUDA device on this machine")
        return
    device = torch.device("cuda")  # the current GPU, cuda:0 unless you choose another
    props = torch.cuda.get_device_properties(device)
    print(props.name, "| compute capability", f"{props.major}.{props.minor}",
          "| CUDA", torch.version.cuda, f"| {props.total_memory / 2**30:.0f} GiB")

    x = torch.ones(3).cuda()       # the same as .to("cuda"); fails where there is no CUDA
    print(x.device, x.cpu().device)

    a = torch.randn(4096, 4096, device=device)
    a @ a                          # warm-up
    start = torch.cuda.Event(enable_timing=True)
    end = torch.cuda.Event(enable_timing=True)
    start.record()                 # a marker in the GPU's queue, not a clock reading on the CPU
    c = a @ a
    end.record()
    end.synchronize()              # wait until the GPU has passed the end marker
    print(f"4096x4096 matmul: {start.elapsed_time(end):.3f} ms (CUDA events)")
    print(f"memory held by tensors: {torch.cuda.memory_allocated(device) / 2**20:.0f} MiB")
    del c


if __name__ == "__main__":
    main()
