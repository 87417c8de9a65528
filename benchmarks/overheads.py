"""Measure the three overheads of training a tiny model on a GPU, plus NumPy against eager PyTorch.

    python -m benchmarks.overheads             # full run, a few minutes; writes the default file
    python -m benchmarks.overheads --quick     # seconds; what the test suite runs
    python -m benchmarks.overheads --out results/my-machine.json

Measures what the chapter "Why a tiny model trains faster on the CPU" explains and writes one JSON
file: results/overheads-<machine>.json by default, <machine> being `cpu-<N>core` without a CUDA
device and the GPU's name with one. GPU parts are measured only where CUDA is available; elsewhere
they read {"not_measured": ...}. Then `python -m benchmarks.make_figures` turns the committed
result files into tables and plots.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import torch

from benchmarks.stamp import machine_stamp
from benchmarks.timing import make_epoch, time_per_call
from snippets.iris_setup import IrisMLP, load_iris_tensors, pick_device, synchronize, train_full_batch
from snippets.overhead_launch import count_flops, count_ops
from snippets.overhead_numpy import numpy_epoch, numpy_params, train_numpy

ROOT = Path(__file__).resolve().parent.parent
NOT_MEASURED = {"not_measured": "no CUDA device"}

# Sizes and repetitions: --quick proves the code works in seconds; the full run is for the record.
SETTINGS = {
    "quick": {"repeats": 3, "min_time": 0.01, "item_epochs": 20, "item_rounds": 1,
              "copy_sizes": [8, 1 << 16, 1 << 20], "numpy_epochs": 50,
              "batch_sizes": [120, 1_200], "hidden_widths": [10, 100]},
    "full": {"repeats": 7, "min_time": 0.2, "item_epochs": 20_000, "item_rounds": 3,
             "copy_sizes": [8, 1 << 10, 1 << 16, 1 << 20, 16 << 20, 64 << 20, 256 << 20],
             "numpy_epochs": 2_000,
             "batch_sizes": [120, 1_200, 12_000, 120_000], "hidden_widths": [10, 100, 1_000]},
}


def cuda_devices() -> list[torch.device]:
    """The CPU, and the GPU where there is one."""
    return [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])


# ---------------------------------------------------------------- overhead 1: moving data
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


def measure_transfer(sizes, epochs, rounds, repeats, min_time):
    return {
        "copies": {"cuda": copy_times(torch.device("cuda"), sizes, repeats, min_time)
                   if torch.cuda.is_available() else NOT_MEASURED},
        "item": {d.type: item_cost(d, epochs, rounds, repeats, min_time) for d in cuda_devices()},
    }


# ---------------------------------------------------------------- overhead 2: launching work
def launch_costs(device, repeats=5, min_time=0.05):
    """Epoch time, a trivial op's time, and what they imply per operation."""
    torch.manual_seed(0)
    x, y, _, _ = load_iris_tensors()
    epoch = make_epoch(IrisMLP().to(device), x.to(device), y.to(device))
    epoch_s = time_per_call(epoch, device, repeats, min_time)
    tiny = torch.zeros(1, device=device)
    trivial_s = time_per_call(lambda: tiny.add_(1), device, repeats, min_time)
    counts = count_ops(epoch, device)
    return {
        **counts,
        "epoch_s": epoch_s,
        "trivial_op_s": trivial_s,  # one add_ on a 1-element tensor
        "epoch_s_per_aten_op": epoch_s / counts["aten_ops"],
        "epoch_s_per_top_level_op": epoch_s / counts["top_level_ops"],
        # If every top-level op cost what a trivial one costs, this share of the epoch is explained:
        "trivial_share": counts["top_level_ops"] * trivial_s / epoch_s,
    }


def measure_launch(repeats, min_time):
    result = {d.type: launch_costs(d, repeats, min_time) for d in cuda_devices()}
    torch.manual_seed(0)
    x, y, _, _ = load_iris_tensors()
    result["flops_per_epoch"] = count_flops(make_epoch(IrisMLP(), x, y))
    return result


# ---------------------------------------------------------------- overhead 3: too little work
# --8<-- [start:grid]
def epoch_grid(device, batch_sizes, hidden_widths, repeats=5, min_time=0.05):
    """Seconds per epoch, one row per batch size, one column per hidden width."""
    generator = torch.Generator().manual_seed(0)
    grid = []
    for batch in batch_sizes:
        x = torch.randn(batch, 4, generator=generator).to(device)  # random data shaped like Iris
        y = torch.randint(0, 3, (batch,), generator=generator).to(device)
        row = []
        for hidden in hidden_widths:
            torch.manual_seed(0)
            epoch = make_epoch(IrisMLP(hidden).to(device), x, y)
            row.append(time_per_call(epoch, device, repeats, min_time))
        grid.append(row)
    return grid


def crossover(batch_sizes, cpu_grid, gpu_grid):
    """Per hidden width: the smallest batch size from which on the GPU stays faster, or None."""
    result = []
    for column in range(len(cpu_grid[0])):
        found = None
        for row in reversed(range(len(batch_sizes))):
            if gpu_grid[row][column] < cpu_grid[row][column]:
                found = batch_sizes[row]
            else:
                break
        result.append(found)
    return result
# --8<-- [end:grid]


def measure_underuse(batch_sizes, hidden_widths, repeats, min_time):
    cpu = torch.device("cpu")
    result = {"batch_sizes": batch_sizes, "hidden_widths": hidden_widths,
              "cpu": epoch_grid(cpu, batch_sizes, hidden_widths, repeats, min_time)}
    if torch.cuda.is_available():
        result["cuda"] = epoch_grid(torch.device("cuda"), batch_sizes, hidden_widths, repeats, min_time)
        result["crossover_batch"] = crossover(batch_sizes, result["cpu"], result["cuda"])
    else:
        result["cuda"] = NOT_MEASURED
        result["crossover_batch"] = None
    return result


# ---------------------------------------------------------------- the CPU too: NumPy
def measure_numpy(epochs, repeats, min_time):
    """The same training in NumPy and eager PyTorch: the losses agree; seconds per epoch of each."""
    torch.manual_seed(0)
    x, y, _, _ = load_iris_tensors()
    model = IrisMLP()
    params = numpy_params(model)  # copied before PyTorch trains the model
    torch_losses = train_full_batch(model, x, y, epochs)
    numpy_losses = train_numpy(params, x.numpy(), y.numpy(), epochs)

    torch.manual_seed(0)
    model = IrisMLP()
    params = numpy_params(model)
    x_np, onehot = x.numpy(), np.eye(3, dtype=np.float32)[y.numpy()]
    cpu = torch.device("cpu")
    return {
        "epochs": epochs,
        "final_loss_torch": torch_losses[-1],
        "final_loss_numpy": numpy_losses[-1],
        "max_loss_difference": max(abs(a - b) for a, b in zip(torch_losses, numpy_losses, strict=True)),
        "torch_eager_s": time_per_call(make_epoch(model, x, y), cpu, repeats, min_time),
        "numpy_s": time_per_call(lambda: numpy_epoch(params, x_np, onehot), cpu, repeats, min_time),
    }


# ---------------------------------------------------------------- the run
def default_name() -> str:
    if torch.cuda.is_available():
        return re.sub(r"[^a-z0-9]+", "-", torch.cuda.get_device_name().lower()).strip("-")
    return f"cpu-{machine_stamp()['usable_cpus']}core"


def run(quick: bool) -> dict:
    s = SETTINGS["quick" if quick else "full"]
    timing = {"repeats": s["repeats"], "min_time": s["min_time"]}
    steps = {
        "transfer": lambda: measure_transfer(s["copy_sizes"], s["item_epochs"], s["item_rounds"], **timing),
        "launch": lambda: measure_launch(**timing),
        "underuse": lambda: measure_underuse(s["batch_sizes"], s["hidden_widths"], **timing),
        "numpy": lambda: measure_numpy(s["numpy_epochs"], **timing),
    }
    results = {"settings": s}
    for name, step in steps.items():
        started = time.perf_counter()
        results[name] = step()
        print(f"{name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return results


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m benchmarks.overheads",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats: seconds")
    parser.add_argument("--out", type=Path, help="result file (default: results/overheads-<machine>.json)")
    args = parser.parse_args(argv)
    out = args.out or ROOT / "results" / f"overheads-{default_name()}.json"
    if out.suffix != ".json":
        parser.error(f"--out must name a .json file, not {str(out)!r}")
    if out.is_dir():
        parser.error(f"--out names a folder: {str(out)!r}")
    torch.manual_seed(0)
    data = {
        "benchmark": "overheads",
        "command": shlex.join(["python", "-m", "benchmarks.overheads", *argv]),
        "quick": args.quick,
        "stamp": machine_stamp(pick_device()),
        "results": run(args.quick),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
