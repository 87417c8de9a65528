"""Overhead 2, launching work: how many operations one Iris epoch runs, and what each one costs.

torch.profiler counts the ATen operations PyTorch dispatches (on any device) and, on a GPU,
the kernels and copies the GPU runs. Timing one epoch and one trivial operation tells how much
of the epoch is the per-operation cost rather than arithmetic. Run as a script, it prints only
the counts (the same on every machine); benchmarks/run_overheads.py records the times.
"""

from collections import Counter

import torch
from torch.profiler import ProfilerActivity, profile
from torch.utils.flop_counter import FlopCounterMode

from iris_setup import IrisMLP, load_iris_tensors
from overhead_timing import make_epoch, time_per_call


# --8<-- [start:count]
def count_epoch_ops(device):
    """Profile one epoch of the seed's loop; count ATen ops and (on CUDA) GPU activities."""
    torch.manual_seed(0)
    x, y, _, _ = load_iris_tensors()
    epoch = make_epoch(IrisMLP().to(device), x.to(device), y.to(device))
    epoch()  # warm-up: the first epoch also creates the gradients and optimizer state
    activities = [ProfilerActivity.CPU]
    if device.type == "cuda":
        activities.append(ProfilerActivity.CUDA)
    with profile(activities=activities) as prof:
        epoch()
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
# --8<-- [end:count]


# --8<-- [start:flops]
def flops_per_epoch():
    """Floating-point operations of one Iris epoch, counted by PyTorch's FlopCounterMode."""
    torch.manual_seed(0)
    x, y, _, _ = load_iris_tensors()
    epoch = make_epoch(IrisMLP(), x, y)
    with FlopCounterMode(display=False) as counter:
        epoch()
    return counter.get_total_flops()
# --8<-- [end:flops]


# --8<-- [start:costs]
def launch_costs(device, repeats=5, min_time=0.05):
    """Epoch time, a trivial op's time, and what they imply per operation."""
    torch.manual_seed(0)
    x, y, _, _ = load_iris_tensors()
    epoch_s = time_per_call(make_epoch(IrisMLP().to(device), x.to(device), y.to(device)),
                            device, repeats, min_time)
    tiny = torch.zeros(1, device=device)
    trivial_s = time_per_call(lambda: tiny.add_(1), device, repeats, min_time)
    counts = count_epoch_ops(device)
    return {
        **counts,
        "epoch_s": epoch_s,
        "trivial_op_s": trivial_s,  # one add_ on a 1-element tensor
        "epoch_s_per_aten_op": epoch_s / counts["aten_ops"],
        "epoch_s_per_top_level_op": epoch_s / counts["top_level_ops"],
        # If every top-level op cost what a trivial one costs, this share of the epoch is explained:
        "trivial_share": counts["top_level_ops"] * trivial_s / epoch_s,
    }
# --8<-- [end:costs]


def measure(repeats, min_time):
    devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
    result = {d.type: launch_costs(d, repeats, min_time) for d in devices}
    result["flops_per_epoch"] = flops_per_epoch()
    return result


if __name__ == "__main__":
    counts = count_epoch_ops(torch.device("cpu"))
    print(f"one Iris epoch on the CPU: {counts['aten_ops']} ATen ops, "
          f"{counts['top_level_ops']} of them called from Python:")
    for name, n in counts["top_level_by_name"].items():
        print(f"{n:>3} × {name}")
    print(f"arithmetic: {flops_per_epoch():,} floating-point operations")
