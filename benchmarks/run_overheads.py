"""Measure the three overheads of training a tiny model on a GPU, plus NumPy vs eager PyTorch.

    python benchmarks/run_overheads.py            # full run, a few minutes; writes the default file
    python benchmarks/run_overheads.py --quick    # seconds; what the test suite runs
    python benchmarks/run_overheads.py --out results/my-machine.json

Runs the measurement functions of snippets/overhead_*.py (the programs the chapter "Why a tiny
model trains faster on the CPU" embeds) and writes one JSON file: results/overheads-<machine>.json
by default, <machine> being `cpu-<N>core` without a CUDA device and the GPU's name with one. GPU
parts are measured only where CUDA is available; elsewhere they read {"not_measured": ...}.
Then `python benchmarks/make_figures.py` turns the committed result files into tables and plots.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "snippets"))

import torch  # noqa: E402

from iris_setup import fail, machine_stamp, pick_device  # noqa: E402

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


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit status 2, like the snippets' fail()
        fail(message)


def default_name() -> str:
    if torch.cuda.is_available():
        return re.sub(r"[^a-z0-9]+", "-", torch.cuda.get_device_name().lower()).strip("-")
    stamp = machine_stamp()
    return f"cpu-{stamp['usable_cpus']}core"


def run(quick: bool) -> dict:
    import overhead_launch
    import overhead_numpy
    import overhead_transfer
    import overhead_underuse

    s = SETTINGS["quick" if quick else "full"]
    timing = {"repeats": s["repeats"], "min_time": s["min_time"]}
    steps = {
        "transfer": lambda: overhead_transfer.measure(
            s["copy_sizes"], s["item_epochs"], s["item_rounds"], **timing),
        "launch": lambda: overhead_launch.measure(**timing),
        "underuse": lambda: overhead_underuse.measure(s["batch_sizes"], s["hidden_widths"], **timing),
        "numpy": lambda: overhead_numpy.measure(s["numpy_epochs"], **timing),
    }
    results = {"settings": s}
    for name, step in steps.items():
        started = time.perf_counter()
        results[name] = step()
        print(f"{name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return results


def main(argv=None) -> None:
    parser = Parser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats: seconds")
    parser.add_argument("--out", type=Path, help="result file (default: results/overheads-<machine>.json)")
    args = parser.parse_args(argv)
    out = args.out or ROOT / "results" / f"overheads-{default_name()}.json"
    if out.suffix != ".json":
        fail(f"--out must name a .json file, not {str(out)!r}")
    if out.is_dir():
        fail(f"--out names a folder: {str(out)!r}")
    torch.manual_seed(0)
    data = {
        "benchmark": "overheads",
        "command": " ".join(["python", "benchmarks/run_overheads.py", *(argv or sys.argv[1:])]),
        "quick": args.quick,
        "stamp": machine_stamp(pick_device()),
        "results": run(args.quick),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
