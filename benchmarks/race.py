"""The race: every recipe that applies to the device, side by side in one process.

    python -m benchmarks.race [--device auto|cpu|cuda] [--epochs N] [--chunk K] [--models M]
                              [--quick] [--no-compile] [--json] [--out FILE]

Each recipe (benchmarks/recipes.py) trains its own copy of the same seeded model for N epochs. The
epochs are run in chunks of K, the recipes taking turns chunk by chunk (in a rotating order), so that
whatever else the machine is doing slows them all alike; the time per epoch is the median over the
chunks. One-time costs (compiling, capturing a CUDA graph) are timed apart. Two reference points sit
beside the recipes: the same training in plain NumPy, and the time the arithmetic alone would take at
the speed this device multiplies large matrices.
"""

from __future__ import annotations

import argparse
import functools
import json
import shlex
import sys
from pathlib import Path

import torch

from benchmarks.cli import device_option, positive_float, positive_int
from benchmarks.recipes import COMPILES, RECIPES, applies
from benchmarks.stamp import machine_stamp
from benchmarks.stats import median
from benchmarks.timing import timed
from snippets.iris_recipes import macs_per_epoch
from snippets.iris_setup import IrisMLP, accuracy, load_iris_tensors

QUICK_EPOCHS, DEFAULT_EPOCHS = 300, 300
DEFAULT_MODELS = {"cpu": 64, "cuda": 1024}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.race", description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--epochs", type=positive_int, metavar="N",
                        help=f"default {DEFAULT_EPOCHS}, {QUICK_EPOCHS} with --quick")
    parser.add_argument("--chunk", type=positive_int, metavar="K",
                        help="epochs per turn (default: epochs / 20)")
    parser.add_argument("--models", type=positive_int, metavar="M",
                        help="models trained at once by many_models (default 64 on the CPU, 1024 on CUDA; "
                        "8 with --quick)")
    parser.add_argument("--lr", type=positive_float, default=0.01)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true",
                        help="a short run that skips the compiled recipes; for tests, not for quoting")
    parser.add_argument("--no-compile", action="store_true", help="skip the torch.compile recipes")
    parser.add_argument("--json", action="store_true", help="print the result as JSON, not a table")
    parser.add_argument("--out", type=Path, help="also write the JSON result to this file")
    args = parser.parse_args(argv)
    if args.epochs is None:
        args.epochs = QUICK_EPOCHS if args.quick else DEFAULT_EPOCHS
    device = device_option(parser, args.device)
    args.device = device if device.type == "cuda" else torch.device("cpu")  # MPS: not raced here
    args.chunk = min(args.chunk or max(1, args.epochs // 20), args.epochs)
    args.models = args.models or (8 if args.quick else DEFAULT_MODELS[args.device.type])
    return args


def matmul_rate(device, size, repeats=5):
    """Multiply-adds per second of one large float32 matrix product: near the device's best."""
    a, b = torch.randn(size, size, device=device), torch.randn(size, size, device=device)
    a @ b  # first call: library initialisation
    seconds = []
    for _ in range(repeats):
        seconds.append(timed(lambda: a @ b, device)[1])
    return size**3 / median(seconds)


def prepare(names, args):
    """Build every recipe on its own copy of the same seeded model; time the one-time work."""
    x, y, x_test, y_test = (t.to(args.device) for t in load_iris_tensors())
    args.samples = len(y)
    for warm_up in ("seed", "fewer_launches"):  # the process's own first-use costs, paid by none
        RECIPES[warm_up][0](IrisMLP().to(args.device), x, y, args.lr)(20)
    entries = {}
    for name in names:
        device = torch.device("cpu") if name == "numpy" else args.device
        torch.manual_seed(args.seed)
        model = IrisMLP().to(device)
        options = {"copies": args.models} if name == "many_models" else {}
        recipe = functools.partial(RECIPES[name][0], model, x.to(device), y.to(device), args.lr, **options)
        train, setup_s = timed(recipe, args.device)
        entries[name] = {"train": train, "model": model, "setup_s": setup_s,
                         "test": (x_test.to(device), y_test.to(device)),
                         "models": getattr(train, "models", 1), "losses": [], "chunk_s": [],
                         "chunk_epochs": []}
    return entries


# --8<-- [start:interleave]
def race(entries, epochs, chunk, device):
    """Run every recipe for `epochs`, `chunk` epochs at a time, the recipes taking turns."""
    names = list(entries)
    threads = torch.get_num_threads()
    sizes = [chunk] * (epochs // chunk) + ([epochs % chunk] if epochs % chunk else [])
    for turn, size in enumerate(sizes):
        order = names[turn % len(names):] + names[:turn % len(names)]  # rotate who goes first
        for name in order:
            entry = entries[name]
            torch.set_num_threads(threads)  # a recipe may change it while it runs
            losses, seconds = timed(functools.partial(entry["train"], size), device)
            entry["losses"] += losses  # floats: the work is finished
            entry["chunk_s"].append(seconds)
            entry["chunk_epochs"].append(size)
# --8<-- [end:interleave]


def summarise(entries, args, skipped):
    base = entries["seed"]
    rows = []
    for name, entry in entries.items():
        per_epoch = [s / n * 1e6 for s, n in zip(entry["chunk_s"], entry["chunk_epochs"], strict=True)]
        us = median(per_epoch)
        rows.append({
            "name": name,
            "device": "cpu" if name == "numpy" else args.device.type,
            "models": entry["models"],
            "seconds": sum(entry["chunk_s"]),
            "us_per_epoch": us,
            "us_per_model_epoch": us / entry["models"],
            "setup_s": entry["setup_s"],
            "total_s": sum(entry["chunk_s"]) + entry["setup_s"],
            "final_loss": entry["losses"][-1],
            "accuracy": accuracy(entry["model"], *entry["test"]),
            "max_loss_gap": max(abs(a - b) for a, b in zip(entry["losses"], base["losses"], strict=True)),
            "epochs": len(entry["losses"]),
            "chunk_us": [round(u, 2) for u in per_epoch],
        })
    base_us = rows[0]["us_per_model_epoch"]
    for row in rows:
        row["speedup"] = base_us / row["us_per_model_epoch"]
    size = 4096 if args.device.type == "cuda" else 1024
    rate = matmul_rate(args.device, size)
    macs = macs_per_epoch(IrisMLP(), args.samples)
    return {
        "device": args.device.type, "epochs": args.epochs, "chunk": args.chunk,
        "models": args.models, "lr": args.lr, "seed": args.seed, "samples": args.samples,
        "recipes": rows, "skipped": skipped,
        "arithmetic": {"macs_per_epoch": macs, "matmul_size": size, "macs_per_s": rate,
                       "us_per_epoch": macs / rate * 1e6, "speedup": base_us / (macs / rate * 1e6)},
    }


def table(result):
    lines = [f"{result['device']}: {result['epochs']} epochs, {result['chunk']} per turn, "
             "medians over the turns",
             f"{'recipe':<28}{'seconds':>9}{'µs/epoch':>10}{'speed-up':>10}{'one-time s':>12}"
             f"{'total s':>9}{'final loss':>12}{'accuracy':>10}"]
    for row in result["recipes"]:
        name = row["name"] + (f" ({row['models']}, per model)" if row["models"] > 1 else "")
        name += " [cpu]" if row["device"] != result["device"] else ""
        per = row["models"]  # many models at once: every column per model
        lines.append(f"{name:<28}{row['seconds'] / per:>9.2f}{row['us_per_model_epoch']:>10.1f}"
                     f"{row['speedup']:>9.2f}×{row['setup_s'] / per:>12.2f}{row['total_s'] / per:>9.2f}"
                     f"{row['final_loss']:>12.4f}{row['accuracy']:>10.3f}")
    bound = result["arithmetic"]
    lines.append(f"{'arithmetic alone':<28}{'':>9}{bound['us_per_epoch']:>10.3f}{bound['speedup']:>9.0f}×"
                 f"   ({bound['macs_per_epoch']} multiply-adds per epoch at "
                 f"{bound['macs_per_s'] / 1e9:.1f} G/s, a {bound['matmul_size']}² matrix product)")
    lines += [f"skipped {s['name']}: {s['reason']}" for s in result["skipped"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    names, skipped = [], []
    for name in RECIPES:
        if not applies(name, args.device):
            skipped.append({"name": name, "reason": f"needs {RECIPES[name][1].upper()}"})
        elif name in COMPILES and (args.quick or args.no_compile):
            skipped.append({"name": name, "reason": "--quick or --no-compile: compiling takes tens "
                            "of seconds"})
        else:
            names.append(name)
    stamp = machine_stamp(args.device)
    entries = prepare(names, args)
    race(entries, args.epochs, args.chunk, args.device)
    result = {
        "benchmark": "race",
        "command": shlex.join(["python", "-m", "benchmarks.race", *argv]),
        "quick": args.quick,
        "stamp": stamp,
        "results": summarise(entries, args, skipped),
    }
    text = json.dumps(result, indent=1, ensure_ascii=False)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text if args.json else table(result["results"]))
    return result


if __name__ == "__main__":
    main()
