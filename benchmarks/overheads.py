"""Measure the three overheads of training a tiny model on a GPU, plus NumPy against eager PyTorch.

    python -m benchmarks.overheads                  # the full profile, a few minutes; default file
    python -m benchmarks.overheads --profile gpu    # what ran on the H200: fits a short GPU session
    python -m benchmarks.overheads --quick          # seconds (= --profile quick); what the tests run
    python -m benchmarks.overheads --out results/my-machine.json

Measures what the chapter "Why a tiny model trains faster on the CPU" explains and writes one JSON
file: results/overheads-<machine>.json by default, <machine> being `cpu-<N>core` without a CUDA
device and the GPU's name with one. GPU parts are measured only where CUDA is available; elsewhere
they read {"not_measured": ...}. Every time is a median over rounds (key `..._s`) stored beside its
per-round values (key `..._rounds_s`, for the IQR and paired intervals of benchmarks/stats.py).
Then `python -m benchmarks.make_figures` turns the committed result files into tables and plots.
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
from benchmarks.stats import median
from benchmarks.timing import make_epoch, per_call_samples
from snippets.iris_setup import IrisMLP, load_iris_tensors, pick_device, synchronize, train_full_batch
from snippets.overhead_launch import count_flops, count_ops
from snippets.overhead_numpy import numpy_epoch, numpy_params, train_numpy

ROOT = Path(__file__).resolve().parent.parent
NOT_MEASURED = {"not_measured": "no CUDA device"}

# Sizes and repetitions. quick proves the code works in seconds; gpu is what ran on the H200
# (results/overheads-h200.json: the full profile did not fit the GPU session); full is for the record.
SETTINGS = {
    "quick": {"repeats": 3, "min_time": 0.01, "item_epochs": 20, "item_rounds": 3,
              "copy_sizes": [8, 1 << 16, 1 << 20], "numpy_epochs": 50,
              "batch_sizes": [120, 1_200], "hidden_widths": [10, 100]},
    "gpu": {"repeats": 5, "min_time": 0.05, "item_epochs": 2_000, "item_rounds": 3,
            "copy_sizes": [8, 1 << 10, 1 << 16, 1 << 20, 16 << 20, 256 << 20], "numpy_epochs": 500,
            "batch_sizes": [120, 1_200, 12_000, 120_000], "hidden_widths": [10, 100, 1_000]},
    "full": {"repeats": 7, "min_time": 0.2, "item_epochs": 2_000, "item_rounds": 15,
             "copy_sizes": [8, 1 << 10, 1 << 16, 1 << 20, 16 << 20, 64 << 20, 256 << 20],
             "numpy_epochs": 2_000,
             "batch_sizes": [120, 1_200, 12_000, 120_000], "hidden_widths": [10, 100, 1_000]},
}


def cuda_devices() -> list[torch.device]:
    """The CPU, and the GPU where there is one."""
    return [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])


def timing(name, samples):
    """{name_s: median, name_rounds_s: the per-round values}: how every time is stored."""
    return {f"{name}_s": median(samples), f"{name}_rounds_s": samples}


def interleaved(fns, device, turns, min_time):
    """Per-call seconds of each fn, one value per turn; in each turn every fn runs once, in a rotating
    order, so a disturbance of the machine hits them alike and the values pair up turn by turn."""
    names = list(fns)
    samples = {name: [] for name in names}
    for turn in range(turns):
        for name in names[turn % len(names):] + names[:turn % len(names)]:
            samples[name] += per_call_samples(fns[name], device, 1, min_time)
    return samples


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
                    row |= timing(name, per_call_samples(fn, device, repeats, min_time))
                    row[f"{name}_gb_per_s"] = size / row[f"{name}_s"] / 1e9
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
    return median(times)
# --8<-- [end:copies]


# --8<-- [start:item]
def item_cost(device, epochs=200, rounds=3, repeats=5, min_time=0.05):
    """What .item() costs: one call on an idle device, and per epoch inside the seed's loop.

    The loop runs `epochs` epochs per round in two ways, alternating round by round: loss.item()
    every epoch (the seed), and the loss kept on the device, read once at the end. The per-round
    pairs give the ratio of the two and its interval (benchmarks/stats.py).
    """
    one = torch.ones(1, device=device)
    x, y, _, _ = load_iris_tensors()
    x, y = x.to(device), y.to(device)
    per_epoch = {True: [], False: []}
    for turn in range(rounds):
        for item in (True, False) if turn % 2 == 0 else (False, True):
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
    return {"epochs": epochs, "rounds": rounds,
            **timing("item_idle", per_call_samples(one.item, device, repeats, min_time)),
            **timing("epoch_with_item", per_epoch[True]),
            **timing("epoch_without_item", per_epoch[False])}
# --8<-- [end:item]


def measure_transfer(sizes, epochs, rounds, repeats, min_time):
    return {
        "copies": {"cuda": copy_times(torch.device("cuda"), sizes, repeats, min_time)
                   if torch.cuda.is_available() else NOT_MEASURED},
        "item": {d.type: item_cost(d, epochs, rounds, repeats, min_time) for d in cuda_devices()},
    }


# ---------------------------------------------------------------- overhead 2: launching work
def launch_costs(device, repeats=5, min_time=0.05):
    """The epoch's ops by group, the epoch's time, and the time of the cheapest op of each kind."""
    torch.manual_seed(0)
    x, y, _, _ = load_iris_tensors()
    epoch = make_epoch(IrisMLP().to(device), x.to(device), y.to(device))
    tiny = torch.zeros(1, 1, device=device)
    samples = interleaved({"epoch": epoch,
                           "trivial_op": lambda: tiny.add_(1),   # computes: one kernel on a GPU
                           "view_op": lambda: tiny.t()},         # metadata only: no kernel
                          device, repeats, min_time)
    counts = count_ops(epoch, device)
    computing = sum(r["count"] for r in counts["top_level"] if not r["metadata_only"])
    result = {**counts, "computing_ops": computing}
    for name, values in samples.items():
        result |= timing(name, values)
    result["epoch_s_per_computing_op"] = result["epoch_s"] / computing
    # If every computing op cost what the cheapest one does, this share of the epoch is explained:
    result["trivial_share"] = computing * result["trivial_op_s"] / result["epoch_s"]
    return result


def measure_launch(repeats, min_time):
    result = {d.type: launch_costs(d, repeats, min_time) for d in cuda_devices()}
    torch.manual_seed(0)
    x, y, _, _ = load_iris_tensors()
    result["flops_per_epoch"] = count_flops(make_epoch(IrisMLP(), x, y))  # matrix products only
    return result


# ---------------------------------------------------------------- overhead 3: too little work
# --8<-- [start:grid]
def epoch_grid(device, batch_sizes, hidden_widths, repeats=5, min_time=0.05):
    """Per-round seconds per epoch: one row per batch size, one list of rounds per hidden width."""
    generator = torch.Generator().manual_seed(0)
    grid = []
    for batch in batch_sizes:
        x = torch.randn(batch, 4, generator=generator).to(device)  # random data shaped like Iris
        y = torch.randint(0, 3, (batch,), generator=generator).to(device)
        row = []
        for hidden in hidden_widths:
            torch.manual_seed(0)
            epoch = make_epoch(IrisMLP(hidden).to(device), x, y)
            row.append(per_call_samples(epoch, device, repeats, min_time))
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
    result = {"batch_sizes": batch_sizes, "hidden_widths": hidden_widths}
    for device in cuda_devices():
        rounds = epoch_grid(device, batch_sizes, hidden_widths, repeats, min_time)
        result[device.type] = [[median(cell) for cell in row] for row in rounds]  # what the figures read
        result[f"{device.type}_rounds"] = rounds
    if "cuda" in result:
        result["crossover_batch"] = crossover(batch_sizes, result["cpu"], result["cuda"])
    else:
        result["cuda"] = NOT_MEASURED
        result["crossover_batch"] = None
    return result


# ---------------------------------------------------------------- the CPU too: NumPy
def measure_numpy(epochs, repeats, min_time):
    """The same training in NumPy and eager PyTorch: the losses agree; seconds per epoch of each,
    timed in alternation (paired turns), and the cheapest call of each library."""
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
    tiny_t, tiny_np = torch.zeros(1), np.zeros(1, dtype=np.float32)
    samples = interleaved({"torch_eager": make_epoch(model, x, y),
                           "numpy": lambda: numpy_epoch(params, x_np, onehot),
                           "torch_trivial_op": lambda: tiny_t.add_(1),
                           "numpy_trivial_op": lambda: np.add(tiny_np, 1, out=tiny_np)},
                          torch.device("cpu"), repeats, min_time)
    result = {
        "epochs": epochs,
        "final_loss_torch": torch_losses[-1],
        "final_loss_numpy": numpy_losses[-1],
        "max_loss_difference": max(abs(a - b) for a, b in zip(torch_losses, numpy_losses, strict=True)),
    }
    for name, values in samples.items():
        result |= timing(name, values)
    return result


# ---------------------------------------------------------------- the run
def default_name() -> str:
    if torch.cuda.is_available():
        return re.sub(r"[^a-z0-9]+", "-", torch.cuda.get_device_name().lower()).strip("-")
    return f"cpu-{machine_stamp()['usable_cpus']}core"


def run(profile: str) -> dict:
    s = SETTINGS[profile]
    common = {"repeats": s["repeats"], "min_time": s["min_time"]}
    steps = {
        "transfer": lambda: measure_transfer(s["copy_sizes"], s["item_epochs"], s["item_rounds"], **common),
        "launch": lambda: measure_launch(**common),
        "underuse": lambda: measure_underuse(s["batch_sizes"], s["hidden_widths"], **common),
        "numpy": lambda: measure_numpy(s["numpy_epochs"], **common),
    }
    results = {"profile": profile, "settings": s}
    for name, step in steps.items():
        started = time.perf_counter()
        results[name] = step()
        print(f"{name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return results


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m benchmarks.overheads",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=list(SETTINGS),
                        help="sizes and repetitions: quick (seconds), gpu (what ran on the H200), "
                             "full (default)")
    parser.add_argument("--quick", action="store_true", help="the same as --profile quick")
    parser.add_argument("--out", type=Path, help="result file (default: results/overheads-<machine>.json)")
    args = parser.parse_args(argv)
    if args.quick and args.profile not in (None, "quick"):
        parser.error(f"--quick contradicts --profile {args.profile}")
    profile = "quick" if args.quick else args.profile or "full"
    out = args.out or ROOT / "results" / f"overheads-{default_name()}.json"
    if out.suffix != ".json":
        parser.error(f"--out must name a .json file, not {str(out)!r}")
    if out.is_dir():
        parser.error(f"--out names a folder: {str(out)!r}")
    torch.manual_seed(0)
    data = {
        "benchmark": "overheads",
        "command": shlex.join(["python", "-m", "benchmarks.overheads", *argv]),
        "quick": profile == "quick",
        "stamp": machine_stamp(pick_device()),
        "results": run(profile),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
