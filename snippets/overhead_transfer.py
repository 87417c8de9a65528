"""Overhead 1, moving data: host↔device copy time and bandwidth, and what .item() costs a loop.

Copies are measured only where there is a CUDA device; the .item() part runs on every device.
"""

import time

import torch

from iris_setup import IrisMLP, load_iris_tensors, pick_device
from overhead_timing import make_epoch, synchronize, time_per_call

NOT_MEASURED = {"not_measured": "no CUDA device"}


# --8<-- [start:copies]
def copy_times(device, sizes, repeats=5, min_time=0.05):
    """Host→device (h2d) and device→host (d2h) copies: seconds per copy and GB/s, per size.

    pageable: ordinary host memory, which the driver first copies into a pinned staging buffer;
    pinned: page-locked memory (pin_memory) that the GPU reads directly, and the only kind
    from which non_blocking=True copies really run in the background.
    """
    rows = []
    for size in sizes:
        device_buffer = torch.empty(size, dtype=torch.uint8, device=device)
        for pinned in (False, True):
            host_buffer = torch.empty(size, dtype=torch.uint8, pin_memory=pinned)
            for non_blocking in (False, True):
                def h2d(d=device_buffer, h=host_buffer, nb=non_blocking):
                    d.copy_(h, non_blocking=nb)

                def d2h(d=device_buffer, h=host_buffer, nb=non_blocking):
                    h.copy_(d, non_blocking=nb)

                row = {"bytes": size, "memory": "pinned" if pinned else "pageable",
                       "non_blocking": non_blocking}
                for name, fn in (("h2d", h2d), ("d2h", d2h)):
                    seconds = time_per_call(fn, device, repeats, min_time)
                    row[f"{name}_s"] = seconds
                    row[f"{name}_gb_per_s"] = size / seconds / 1e9
                    row[f"{name}_returns_s"] = return_time(fn, device, repeats)
                rows.append(row)
    return rows


def return_time(fn, device, repeats):
    """Median seconds until fn() hands control back to Python (the copy may still be running)."""
    times = []
    for _ in range(max(repeats, 3)):
        synchronize(device)
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
        synchronize(device)
    return sorted(times)[len(times) // 2]
# --8<-- [end:copies]


# --8<-- [start:item]
def item_cost(device, epochs=200, rounds=3, repeats=5, min_time=0.05):
    """What .item() costs: one call on an idle device, and per epoch inside the seed's loop.

    The loop is timed twice, interleaved: with loss.item() every epoch (the seed) and with the
    loss kept on the device and read once at the end. The difference is what the per-epoch
    .item() costs; on a GPU it includes every epoch's wait for the queued kernels to finish.
    """
    one = torch.ones(1, device=device)
    idle = time_per_call(one.item, device, repeats, min_time)
    x, y, _, _ = load_iris_tensors()
    x, y = x.to(device), y.to(device)
    per_epoch = {True: [], False: []}
    for _ in range(rounds):
        for item in (True, False):
            torch.manual_seed(0)
            epoch = make_epoch(IrisMLP().to(device), x, y, item=item)
            epoch()  # warm-up
            synchronize(device)
            start = time.perf_counter()
            losses = [epoch() for _ in range(epochs)]
            if not item:
                losses = torch.stack(losses).tolist()  # one copy, one wait, at the end
            synchronize(device)
            per_epoch[item].append((time.perf_counter() - start) / epochs)
    with_item = sorted(per_epoch[True])[rounds // 2]
    without_item = sorted(per_epoch[False])[rounds // 2]
    return {
        "item_idle_s": idle,
        "epochs": epochs,
        "rounds": rounds,
        "epoch_with_item_s": with_item,
        "epoch_without_item_s": without_item,
        "item_share": (with_item - without_item) / with_item,  # noise can make it negative
    }
# --8<-- [end:item]


def measure(sizes, epochs, rounds, repeats, min_time):
    devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
    return {
        "copies": {"cuda": copy_times(torch.device("cuda"), sizes, repeats, min_time)
                   if torch.cuda.is_available() else NOT_MEASURED},
        "item": {d.type: item_cost(d, epochs, rounds, repeats, min_time) for d in devices},
    }


if __name__ == "__main__":
    torch.manual_seed(0)
    device = pick_device()
    if device.type == "cuda":
        for row in copy_times(device, [8, 1 << 20, 64 << 20], repeats=3, min_time=0.02):
            print(f"{row['bytes']:>10,} B {row['memory']:>8} non_blocking={row['non_blocking']!s:5} "
                  f"h2d {row['h2d_gb_per_s']:7.2f} GB/s  d2h {row['d2h_gb_per_s']:7.2f} GB/s")
    else:
        print(f"host↔device copies: not measured: no CUDA device (running on {device})")
    for d in sorted({torch.device("cpu"), device}, key=str):
        cost = item_cost(d, epochs=100, rounds=1, min_time=0.02)
        print(f"{d}: one .item() {cost['item_idle_s'] * 1e6:.2f} µs; per epoch "
              f"{cost['epoch_with_item_s'] * 1e6:.0f} µs with .item(), "
              f"{cost['epoch_without_item_s'] * 1e6:.0f} µs without")
