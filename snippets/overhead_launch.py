"""Overhead 2, launching work: which operations one Iris epoch runs, who calls them, how much arithmetic.

torch.profiler records every ATen operation PyTorch dispatches and, on a GPU, the kernels and copies
the GPU runs. Each top-level op (not called from inside another op) is classified twice: who issued
it (Python code, or the C++ autograd engine during backward()) and whether it computes anything or
only makes a view of its input (t, view, detach: metadata only, no kernel on a GPU).
FlopCounterMode counts the floating-point operations of the matrix products. The counts depend on
the PyTorch version and the device, not on the machine's speed. The demo needs iris_setup.py beside it.
"""

from collections import Counter

import torch
from torch.profiler import ProfilerActivity, profile
from torch.utils.flop_counter import FlopCounterMode

ENGINE = "autograd::engine::evaluate_function"  # the profiler's range around each backward node


# --8<-- [start:count]
def metadata_only(name):
    """True if the op returns a view of its input (its schema says so): it computes nothing."""
    packet = getattr(torch.ops.aten, name.removeprefix("aten::"))
    returns = [r for o in packet.overloads() for r in getattr(packet, o)._schema.returns]
    return bool(returns) and all(r.alias_info is not None and not r.alias_info.is_write for r in returns)


def issued_by(event):
    """'autograd engine' if backward()'s C++ engine ran this op, else 'Python'."""
    parent = event.cpu_parent
    while parent is not None:
        if parent.name.startswith(ENGINE):
            return "autograd engine"
        parent = parent.cpu_parent
    return "Python"


def count_ops(fn, device):
    """Profile one call of fn(): ATen ops, the top-level ones classified, and (CUDA) GPU activities."""
    fn()  # warm-up: the first epoch also creates the gradients
    activities = [ProfilerActivity.CPU]
    if device.type == "cuda":
        activities.append(ProfilerActivity.CUDA)
    with profile(activities=activities) as prof:
        fn()
    events = prof.events()
    aten = [e for e in events if e.name.startswith("aten::")]
    top = [e for e in aten if e.cpu_parent is None or not e.cpu_parent.name.startswith("aten::")]
    groups = Counter((issued_by(e), e.name) for e in top)  # in order of first appearance
    on_gpu = [e for e in events if e.device_type == torch.autograd.DeviceType.CUDA]
    return {
        "aten_ops": len(aten),
        "top_level_ops": len(top),
        "top_level_by_name": dict(sorted(Counter(e.name for e in top).items())),
        "top_level": [{"op": name, "count": n, "issued_by": who, "metadata_only": metadata_only(name)}
                      for (who, name), n in sorted(groups.items(), key=lambda g: g[0][0] != "Python")],
        "gpu_activities": len(on_gpu) if device.type == "cuda" else None,
    }


def count_flops(fn):
    """Floating-point operations of one call of fn(): FlopCounterMode counts matrix products only."""
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
          f"{counts['top_level_ops']} at the top level")
    print(f"{'count':>5}  {'op':<34}{'issued by':<17}kind")
    for row in counts["top_level"]:
        kind = "metadata only" if row["metadata_only"] else "computes"
        print(f"{row['count']:>5}  {row['op']:<34}{row['issued_by']:<17}{kind}")
    by = Counter()
    for row in counts["top_level"]:
        by[row["issued_by"]] += row["count"]
        by["metadata only"] += row["count"] * row["metadata_only"]
    print(f"from Python {by['Python']}, from the autograd engine {by['autograd engine']}; "
          f"metadata only {by['metadata only']} of {counts['top_level_ops']}")
    print(f"matrix products: {count_flops(one_epoch):,} floating-point operations".replace(",", " "))
