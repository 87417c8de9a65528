"""The threading lab: what torch.set_num_threads(n) does to a tiny model and to a large matrix
product, on an idle machine and next to a competing process, and which tiny ops open parallel regions.

    python -m benchmarks.threading_lab                         # full run, a few minutes
    python -m benchmarks.threading_lab --quick --out /tmp/t.json   # seconds: what the tests run

Writes results/threading-<machine>.json (stamped with the machine, versions and date); then
`python benchmarks/make_figures.py` turns it into results/tables/threading.{zh,en}.md and the plot.
Measure on an otherwise idle machine: the "loaded" condition brings its own competing process.

What it measures, for n = 1 ... the CPUs this process may use (and 2x that, oversubscribed):
- the seed's Iris epoch (120 rows, forward, loss, backward, SGD step, .item()) and a large matmul,
  each idle and while a second process keeps every CPU busy with its own matrix products;
- per tiny op of that epoch: whether it opens an OpenMP parallel region (see `probe`), and its time
  at 1 thread and at n threads, idle and loaded.
Times are seconds per call: the median and quartiles of several rounds, never a single run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import torch
from torch import nn

from benchmarks import stats
from benchmarks.cli import json_file
from benchmarks.stamp import machine_stamp, result_file, write_result
from benchmarks.timing import per_call_samples

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = {
    # quick: one op that stays inline, one that opens a parallel region, and the same op as the first
    # above the grain size (each probe is a fresh process)
    "quick": {"rounds": 3, "min_time": 0.005, "matmul_size": 128, "tiny_ops": [
        "relu", "log_softmax_backward", "relu (1000x1000)"]},
    "full": {"rounds": 9, "min_time": 0.2, "matmul_size": 1024, "tiny_ops": None},
}


# ---------------------------------------------------------------- timing
CPU = torch.device("cpu")


def spread(samples):
    """Median and quartiles of per-call times (benchmarks/stats.py), and the samples themselves."""
    q1, q3 = stats.iqr(samples)
    return {"median_s": stats.median(samples), "q1_s": q1, "q3_s": q3, "samples_s": samples}


# ---------------------------------------------------------------- workloads
def iris_epoch():
    """One epoch of the seed's loop on the Iris training set, as a function to time."""
    from snippets.iris_setup import IrisMLP, load_iris_tensors  # scikit-learn: only where needed

    torch.manual_seed(0)
    x, y, _, _ = load_iris_tensors()
    model = IrisMLP()
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)

    def epoch():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    return epoch


def matmul(size):
    generator = torch.Generator().manual_seed(0)
    a = torch.randn(size, size, generator=generator)
    b = torch.randn(size, size, generator=generator)
    return lambda: a @ b


def tiny_ops():
    """The compute ops of one Iris epoch, called directly on tensors of the epoch's shapes.

    The backward ops are called as the autograd engine calls them (aten ops), so each is timed and
    probed alone. 'relu (1000x1000)' is the contrast: the same op above the parallel grain size.
    """
    torch.manual_seed(0)
    h, g = torch.randn(120, 10), torch.randn(120, 10)  # hidden layer and its gradient
    x, w, b = torch.randn(120, 4), torch.randn(10, 4), torch.randn(10)
    z, gz, y = torch.randn(120, 3), torch.randn(120, 3), torch.randint(0, 3, (120,))
    logp = torch.log_softmax(z, 1)
    _, total_weight = torch.ops.aten.nll_loss_forward(logp, y, None, 1, -100)
    one, big = torch.tensor(1.0), torch.randn(1000, 1000)
    return {
        "linear (addmm)": lambda: torch.addmm(b, x, w.t()),
        "relu": lambda: torch.relu(h),
        "log_softmax": lambda: torch.log_softmax(z, 1),
        "nll_loss": lambda: torch.ops.aten.nll_loss_forward(logp, y, None, 1, -100),
        "nll_loss_backward": lambda: torch.ops.aten.nll_loss_backward(
            one, logp, y, None, 1, -100, total_weight),
        "log_softmax_backward": lambda: torch.ops.aten._log_softmax_backward_data(
            gz, logp, 1, torch.float32),
        "relu_backward": lambda: torch.ops.aten.threshold_backward(g, h, 0),
        "mm (weight gradient)": lambda: g.t() @ x,
        "sum (bias gradient)": lambda: g.sum(0),
        "add_ (SGD step)": lambda: w.add_(w, alpha=-0.01),
        "relu (1000x1000)": lambda: torch.relu(big),
    }


# ---------------------------------------------------------------- does an op open a parallel region?
def probe(name, threads=2):
    """Run op `name` once with `threads` threads in this (fresh) process; print how many OS threads
    the process had before and after.

    PyTorch's CPU build runs parallel regions on OpenMP, whose worker threads start the first time a
    region opens. So in a fresh process, an op that leaves more threads behind than it found opened a
    parallel region; one below the grain size runs inline and leaves none. The tensors are made with
    one thread, so only the op itself can start workers. Linux only (it reads /proc/self/task).
    """
    torch.set_num_threads(1)
    op = tiny_ops()[name]
    torch.set_num_threads(threads)
    before = len(os.listdir("/proc/self/task"))
    op()
    print(json.dumps({"before": before, "after": len(os.listdir("/proc/self/task"))}))


def opens_parallel_region(name, threads=2):
    """True/False from `probe` in a fresh process; None where /proc is missing (not Linux)."""
    if not Path("/proc/self/task").is_dir():
        return None
    code = f"from benchmarks.threading_lab import probe; probe({name!r}, {threads})"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            timeout=300, check=True)
    counts = json.loads(result.stdout.strip().splitlines()[-1])
    return counts["after"] > counts["before"]


# ---------------------------------------------------------------- the competing process
def _burn(threads, started, stop):
    """Keep `threads` CPUs busy with matrix products until told to stop."""
    torch.set_num_threads(threads)
    a = torch.randn(512, 512)
    started.set()
    while not stop.is_set():
        a @ a


class CompetingLoad:
    """`with CompetingLoad(n):` runs a second process that keeps n CPUs busy."""

    def __init__(self, threads):
        context = multiprocessing.get_context("spawn")
        self.started, self.stop = context.Event(), context.Event()
        self.process = context.Process(target=_burn, args=(threads, self.started, self.stop),
                                       daemon=True)

    def __enter__(self):
        self.process.start()
        if not self.started.wait(timeout=120):
            raise RuntimeError("the competing process did not start")
        time.sleep(0.2)  # let it reach full speed
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.process.join(timeout=30)
        if self.process.is_alive():
            self.process.kill()


# ---------------------------------------------------------------- the run
def thread_counts(usable):
    """1 ... usable (all of them up to 8, then powers of two), and 2 x usable: oversubscribed."""
    counts = set(range(1, min(usable, 8) + 1)) | {2**k for k in range(usable.bit_length()) if 2**k <= usable}
    return sorted(counts | {usable, 2 * usable})


def run(quick):
    settings = SETTINGS["quick" if quick else "full"]
    rounds, min_time = settings["rounds"], settings["min_time"]
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    counts = thread_counts(usable)
    workloads = {"iris_epoch": iris_epoch(), "matmul": matmul(settings["matmul_size"])}
    ops = tiny_ops()
    names = settings["tiny_ops"] or list(ops)
    many = max(2, usable)
    saved = torch.get_num_threads()
    results = {"settings": settings, "usable_cpus": usable, "thread_counts": counts,
               "load": {"threads": usable, "work": "512x512 float32 matmul in a loop, second process"},
               "sweep": {}, "tiny_ops": []}
    try:
        timings = {}
        for condition in ("idle", "loaded"):
            load = CompetingLoad(usable) if condition == "loaded" else None
            with load or _Nothing():
                sweep = results["sweep"][condition] = {}
                for workload, fn in workloads.items():
                    sweep[workload] = []
                    for n in counts:
                        torch.set_num_threads(n)
                        samples = per_call_samples(fn, CPU, rounds, min_time)
                        sweep[workload].append({"threads": n, **spread(samples)})
                    print(f"{condition} {workload}: done", file=sys.stderr)
                for name in names:
                    for n in (1, many):
                        torch.set_num_threads(n)
                        timings[(name, condition, n)] = spread(
                            per_call_samples(ops[name], CPU, rounds, min_time / 4))
        for name in names:
            results["tiny_ops"].append({
                "op": name, "opens_parallel_region": opens_parallel_region(name, many),
                **{condition: {str(n): timings[(name, condition, n)] for n in (1, many)}
                   for condition in ("idle", "loaded")}})
    finally:
        torch.set_num_threads(saved)
    return results


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def machine_name():
    """cpu-<N>core: what the result file is called on this machine."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"cpu-{usable}core"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.threading_lab",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few rounds: seconds")
    parser.add_argument("--out", type=json_file,
                        help="result file (default: results/threading-<machine>.json)")
    args = parser.parse_args(argv)
    out = args.out or ROOT / "results" / f"threading-{machine_name()}.json"
    argv = sys.argv[1:] if argv is None else argv
    write_result(out, result_file("threading", "benchmarks.threading_lab", argv, args.quick,
                                  machine_stamp(), run(args.quick)))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
