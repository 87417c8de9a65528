"""Overhead 2, launching work: how many operations one Iris epoch runs, and how much arithmetic.

torch.profiler counts the ATen operations PyTorch dispatches (on any device) and, on a GPU, the
kernels and copies the GPU runs; FlopCounterMode counts the floating-point operations. The counts
are the same on every machine; `python -m benchmarks.overheads` also times them. The demo needs
iris_setup.py in the same folder.
"""

from collections import Counter

import torch
from torch.profiler import ProfilerActivity, profile
from torch.utils.flop_counter import FlopCounterMode


# --8<-- [start:count]
def count_ops(fn, device):
    """Profile one call of fn(); count ATen ops and (on CUDA) GPU activities."""
    fn()  # warm-up: the first epoch also creates the gradients
    activities = [ProfilerActivity.CPU]
    if device.type == "cuda":
        activities.append(ProfilerActivity.CUDA)
    with profile(activities=activities) as prof:
        fn()
    events = prof.events()
    aten = [e for e in events if e.name.startswith("aten::")]
    # Top level: called from Python (nn.Linear, loss.backward(), SGD), not from inside another op.
    top = [e for e in aten if e.cpu_parent is None or not e.cpu_parent.name.startswith("aten::")]
    on_gpu = [e for e in events if e.device_type == torch.autograd.DeviceType.CUDA]
    return {
        "aten_ops": len(aten),
        "top_level_ops": len(top),
        "top_level_by_name": dict(sorted(Counter(e.name for e in top).items())),
        "gpu_activities": len(on_gpu) if device.type == "cuda" else None,
    }


def count_flops(fn):
    """Floating-point operations of one call of fn(), counted by PyTorch's FlopCounterMode."""
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops()
# --8<-- [end:count]


if __name__ == "__main__":
    from iris_setup import IrisMLP, load_iris_tensors, train_full_batch  # the file beside this one

    torch.manual_seed(0)
    x, y, _, _ = load_iris_tensors()
    model = IrisMLP()

    def one_epoch():
        return train_full_batch(model, x, y, epochs=1)  # plain SGD keeps no state between calls

    counts = count_ops(one_epoch, torch.device("cpu"))
    print(f"one Iris epoch on the CPU: {counts['aten_ops']} ATen ops, "
          f"{counts['top_level_ops']} of them called from Python:")
    for name, n in counts["top_level_by_name"].items():
        print(f"{n:>3} × {name}")
    print(f"arithmetic: {count_flops(one_epoch):,} floating-point operations")
