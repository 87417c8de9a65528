"""The race: every recipe that applies to the device, side by side in one process.

    python -m benchmarks.race [--device auto|cpu|cuda] [--epochs N] [--chunk K] [--models M]
                              [--quick] [--no-compile] [--cold-warm] [--json] [--out FILE]

Each recipe (benchmarks/recipes.py) trains its own copy of the same seeded model for N epochs. The
epochs are run in chunks of K, the recipes taking turns chunk by chunk (in a rotating order), so that
whatever else the machine is doing slows them all alike. Each recipe's time per epoch is the median
over the turns, with the interquartile range of the per-turn values; its speed against the seed's loop
is the ratio of the medians, with a paired bootstrap 95 % interval over the turns (benchmarks/stats.py).
One-time costs (compiling, capturing a CUDA graph) are timed apart, in this process with an empty
compile cache; --cold-warm also times each compiled step's compile in two fresh processes, one with
an empty cache (cold) and one with the cache the first filled (warm). Two reference points sit beside
the recipes: the same training in plain NumPy, and the time the arithmetic alone would take at the
speed this device multiplies large matrices.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import torch

from benchmarks.cli import device_option, json_file, positive_float, positive_int
from benchmarks.recipes import COLD_WARM, COMPILES, RECIPES, SINGLE_MODEL, applies
from benchmarks.stamp import machine_stamp, result_file, write_result
from benchmarks.stats import Ratio, iqr, median, paired_ratio
from benchmarks.timing import timed
from snippets.iris_recipes import macs_per_epoch
from snippets.iris_setup import IrisMLP, accuracy, load_iris_tensors

ROOT = Path(__file__).resolve().parent.parent
QUICK_EPOCHS, DEFAULT_EPOCHS = 300, 300
SEED_EPOCHS = 20_000  # the seed's training: end-to-end totals are for this many epochs
DEFAULT_MODELS = {"cpu": 64, "cuda": 1024}
ONE_TIME_NAMES = (*sorted(COMPILES), "cuda_graph")  # recipes whose one-time cost is a compile or capture


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
    parser.add_argument("--cold-warm", action="store_true",
                        help="also time the compile of " + " and ".join(COLD_WARM) + " in fresh processes, "
                        "with an empty and with a filled compile cache (minutes on a small CPU)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON, not a table")
    parser.add_argument("--out", type=json_file, help="also write the JSON result to this file")
    args = parser.parse_args(argv)
    if args.epochs is None:
        args.epochs = QUICK_EPOCHS if args.quick else DEFAULT_EPOCHS
    if args.cold_warm and (args.quick or args.no_compile):
        parser.error("--cold-warm times compiles: it cannot go with --quick or --no-compile")
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


def warm_up(device, x, y, lr, compiler=False):
    """The process's own first-use costs, paid by no recipe: eager kernels, and the compiler's imports."""
    for name in ("seed", "fewer_launches"):
        RECIPES[name][0](IrisMLP().to(device), x, y, lr)(20)
    if compiler:
        torch.compile(lambda t: t.relu() + 1, fullgraph=True)(x)


def build(name, device, x, y, lr, seed, models):
    """(train, model, one-time seconds): recipe `name` on its own copy of the seeded model."""
    device = torch.device("cpu") if name == "numpy" else device
    torch.manual_seed(seed)
    model = IrisMLP().to(device)
    options = {"copies": models} if name == "many_models" else {}
    recipe = functools.partial(RECIPES[name][0], model, x.to(device), y.to(device), lr, **options)
    train, setup_s = timed(recipe, device)
    return train, model, setup_s


@contextlib.contextmanager
def compile_cache(directory):
    """Point torch.compile's on-disk cache (inductor's, Triton's under it) at `directory`."""
    before = os.environ.get("TORCHINDUCTOR_CACHE_DIR")
    os.environ["TORCHINDUCTOR_CACHE_DIR"] = str(directory)
    try:
        yield
    finally:
        if before is None:
            del os.environ["TORCHINDUCTOR_CACHE_DIR"]
        else:
            os.environ["TORCHINDUCTOR_CACHE_DIR"] = before


def prepare(names, args):
    """Build every recipe on its own copy of the same seeded model; time the one-time work."""
    x, y, x_test, y_test = (t.to(args.device) for t in load_iris_tensors())
    args.samples = len(y)
    warm_up(args.device, x, y, args.lr, compiler=bool(COMPILES & set(names)))
    entries = {}
    for name in names:
        train, model, setup_s = build(name, args.device, x, y, args.lr, args.seed, args.models)
        device = model.fc1.weight.device
        entries[name] = {"train": train, "model": model, "setup_s": setup_s,
                         "test": (x_test.to(device), y_test.to(device)),
                         "models": getattr(train, "models", 1), "losses": [], "chunk_s": [],
                         "chunk_epochs": []}
    return entries


def setup_seconds(name, device, lr, seed, models):
    """In a fresh process: seconds recipe `name` takes to build, eager warm-up excluded (--cold-warm)."""
    device = torch.device(device)
    x, y, _, _ = (t.to(device) for t in load_iris_tensors())
    warm_up(device, x, y, lr)
    return build(name, device, x, y, lr, seed, models)[2]


_PROBE = ("import json, sys; from benchmarks.race import setup_seconds; "
          "print(setup_seconds(**json.loads(sys.argv[1])))")


def cold_and_warm(name, args):
    """The compile of recipe `name` in a fresh process with an empty cache, then in another with it filled."""
    options = json.dumps({"name": name, "device": args.device.type, "lr": args.lr, "seed": args.seed,
                          "models": args.models})
    seconds = []
    with tempfile.TemporaryDirectory(prefix="race-compile-cache-") as cache:
        env = dict(os.environ, TORCHINDUCTOR_CACHE_DIR=cache)
        for _ in ("cold", "warm"):
            run = subprocess.run([sys.executable, "-c", _PROBE, options], cwd=ROOT, env=env,
                                 capture_output=True, text=True, check=False)
            if run.returncode:
                raise RuntimeError(f"timing the compile of {name} in a fresh process failed:\n"
                                   f"{run.stderr[-3000:]}")
            seconds.append(float(run.stdout.strip().splitlines()[-1]))
    return seconds


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


# ---------------------------------------------------------------- what the turns say
def _ratio(numerator, denominator) -> Ratio | None:
    """paired_ratio, or only the ratio of medians where there are too few turns for an interval."""
    if len(numerator) < 2:
        value = median(numerator) / median(denominator)
        return Ratio(value, value, value)
    return paired_ratio(numerator, denominator)


def one_time(row: dict, warm: bool = False) -> tuple[float, str]:
    """(seconds, where measured): a fresh process's compile where measured, else this process's."""
    key = "compile_warm_s" if warm else "compile_cold_s"
    if row.get(key) is not None:
        return row[key], "warm" if warm else "cold"
    return row["setup_s"], "race"


def spreads(results: dict) -> dict:
    """Everything reported beyond the medians, derived from the per-turn values (`chunk_us`).

    Works on any race result, also those written before these fields existed. Per recipe (per model
    for many_models): the median µs per epoch and its IQR; the speed against the baseline with its
    paired 95 % interval; the one-time cost; the end-to-end time of the seed's 20 000 epochs and its
    speed against the baseline's; the epochs after which the one-time cost is paid back. Then the two
    winners among single-model PyTorch recipes, and the fastest one against NumPy and the arithmetic.
    """
    rows = results["recipes"]
    turns = {r["name"]: [u / r["models"] for u in r["chunk_us"]] for r in rows}
    base = turns[rows[0]["name"]]
    out = {"seed_epochs": SEED_EPOCHS, "recipes": {}}
    for row in rows:
        name, per = row["name"], turns[row["name"]]
        seconds, where = one_time(row)
        warm_s, _ = one_time(row, warm=True)
        setup = seconds / row["models"]
        e2e = [u * SEED_EPOCHS / 1e6 + setup for u in per]
        saving_us = median(base) - median(per)
        out["recipes"][name] = {
            "us": median(per), "iqr": iqr(per) if len(per) > 1 else (per[0], per[0]),
            "speed": _ratio(base, per),
            "one_time_s": setup, "one_time_where": where, "one_time_warm_s": warm_s / row["models"],
            "end_to_end_s": median(e2e),
            "end_to_end_speed": _ratio([u * SEED_EPOCHS / 1e6 for u in base], e2e),
            "saving_us": saving_us,
            "break_even": setup / (saving_us * 1e-6) if saving_us > 0 else None,
            "break_even_warm": warm_s / row["models"] / (saving_us * 1e-6) if saving_us > 0 else None,
        }
    single = [r["name"] for r in rows if r["name"] in SINGLE_MODEL]
    fastest = min(single, key=lambda n: out["recipes"][n]["us"])
    out["fastest_per_epoch"] = fastest
    out["fastest_end_to_end"] = min(single, key=lambda n: out["recipes"][n]["end_to_end_s"])
    if "numpy" in turns:  # > 1: NumPy is faster
        out["numpy_vs_fastest"] = _ratio(turns[fastest], turns["numpy"])
    out["floor_vs_fastest"] = out["recipes"][fastest]["us"] / results["arithmetic"]["us_per_epoch"]
    if "by_hand" in turns:  # what compiling the hand-written step buys over running it eagerly
        out["compiled_vs_by_hand"] = {}
        for name in ("by_hand_compiled", "by_hand_compiled_10"):
            if name in turns:
                saving = median(turns["by_hand"]) - median(turns[name])
                out["compiled_vs_by_hand"][name] = {
                    "speed": _ratio(turns["by_hand"], turns[name]),
                    "break_even": one_time(next(r for r in rows if r["name"] == name))[0] / (saving * 1e-6)
                    if saving > 0 else None}
    return out


def summarise(entries, args, skipped, compile_s):
    base = entries["seed"]
    rows = []
    for name, entry in entries.items():
        per_epoch = [s / n * 1e6 for s, n in zip(entry["chunk_s"], entry["chunk_epochs"], strict=True)]
        us = median(per_epoch)
        row = {
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
        }
        if name in compile_s:
            row["compile_cold_s"], row["compile_warm_s"] = compile_s[name]
        rows.append(row)
    base_us = rows[0]["us_per_model_epoch"]
    for row in rows:
        row["speedup"] = base_us / row["us_per_model_epoch"]
    size = 4096 if args.device.type == "cuda" else 1024
    rate = matmul_rate(args.device, size)
    macs = macs_per_epoch(IrisMLP(), args.samples)
    results = {
        "device": args.device.type, "epochs": args.epochs, "chunk": args.chunk,
        "models": args.models, "lr": args.lr, "seed": args.seed, "samples": args.samples,
        "recipes": rows, "skipped": skipped,
        "arithmetic": {"macs_per_epoch": macs, "matmul_size": size, "macs_per_s": rate,
                       "us_per_epoch": macs / rate * 1e6, "speedup": base_us / (macs / rate * 1e6)},
    }
    derived = spreads(results)
    for row in rows:  # the spreads, written out for whoever reads the file (the figures recompute them)
        d = derived["recipes"][row["name"]]
        row.update({"us_iqr": [round(v, 3) for v in d["iqr"]],
                    "speedup_ci": [round(d["speed"].low, 4), round(d["speed"].high, 4)],
                    "end_to_end_s": d["end_to_end_s"],
                    "end_to_end_speedup": d["end_to_end_speed"].value,
                    "end_to_end_speedup_ci": [round(d["end_to_end_speed"].low, 4),
                                              round(d["end_to_end_speed"].high, 4)],
                    "break_even_epochs": d["break_even"]})
    results["summary"] = {"seed_epochs": SEED_EPOCHS, "fastest_per_epoch": derived["fastest_per_epoch"],
                          "fastest_end_to_end": derived["fastest_end_to_end"],
                          "floor_vs_fastest": derived["floor_vs_fastest"]}
    if "numpy_vs_fastest" in derived:
        r = derived["numpy_vs_fastest"]
        results["summary"]["numpy_vs_fastest"] = [r.value, r.low, r.high]
    return results


def _speed(r: Ratio) -> str:
    interval = f"({r.low:.2f}–{r.high:.2f})"
    return f"{r.value:.2f}× {interval}" if r.measurable else f"same {interval}"


def table(result):
    d = spreads(result)
    lines = [f"{result['device']}: {result['epochs']} epochs, {result['chunk']} per turn; µs/epoch: median "
             "and IQR over the turns; speed-up: against the seed's loop, 95 % CI (\"same\": it holds 1); "
             f"end to end: {SEED_EPOCHS} epochs plus the one-time cost",
             f"{'recipe':<30}{'µs/epoch':>10}{'IQR':>17}  {'speed-up (CI)':<22}{'one-time s':>11}"
             f"{'end to end s':>13}  {'end-to-end speed-up':<22}"]
    for row in result["recipes"]:
        r = d["recipes"][row["name"]]
        name = row["name"] + (f" ({row['models']}, per model)" if row["models"] > 1 else "")
        name += " [cpu]" if row["device"] != result["device"] else ""
        low, high = r["iqr"]
        base = row is result["recipes"][0]
        speed, e2e = ("baseline", "baseline") if base else (_speed(r["speed"]), _speed(r["end_to_end_speed"]))
        lines.append(f"{name:<30}{r['us']:>10.1f}{f'{low:.1f}–{high:.1f}':>17}  {speed:<22}"
                     f"{r['one_time_s']:>11.2f}{r['end_to_end_s']:>13.2f}  {e2e:<22}")
    bound = result["arithmetic"]
    lines.append(f"{'arithmetic alone':<30}{bound['us_per_epoch']:>10.3f}"
                 f"   ({bound['macs_per_epoch']} multiply-adds per epoch at "
                 f"{bound['macs_per_s'] / 1e9:.1f} G/s, a {bound['matmul_size']}² matrix product)")
    outcomes = {(f"{row['final_loss']:.4f}", f"{row['accuracy']:.3f}") for row in result["recipes"]}
    lines.append("final loss, test accuracy: " + "; ".join(
        f"{row['name']} {row['final_loss']:.4f}, {row['accuracy']:.3f}" for row in result["recipes"])
        if len(outcomes) > 1 else "every recipe: final loss {}, test accuracy {}".format(*outcomes.pop()))
    for row in result["recipes"]:
        if row.get("compile_cold_s") is not None:
            lines.append(f"compile of {row['name']} in a fresh process: {row['compile_cold_s']:.2f} s with "
                         f"an empty cache, {row['compile_warm_s']:.2f} s with a warm one")
    lines.append(f"fastest per epoch: {d['fastest_per_epoch']}; fastest end to end for {SEED_EPOCHS} epochs "
                 f"(one-time costs included): {d['fastest_end_to_end']}")
    if "numpy_vs_fastest" in d:
        lines.append(f"{d['fastest_per_epoch']}'s time per epoch over NumPy's: "
                     f"{_speed(d['numpy_vs_fastest'])}; over the arithmetic alone's: "
                     f"{d['floor_vs_fastest']:.0f}×")
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
    # every compile in this process starts from an empty cache, whatever earlier runs left behind
    with tempfile.TemporaryDirectory(prefix="race-compile-cache-") as cache, compile_cache(cache):
        entries = prepare(names, args)
        race(entries, args.epochs, args.chunk, args.device)
    compile_s = {name: cold_and_warm(name, args) for name in COLD_WARM if args.cold_warm and name in names}
    result = result_file("race", "benchmarks.race", argv, args.quick, stamp,
                         summarise(entries, args, skipped, compile_s))
    if args.out:
        write_result(args.out, result)
    print(json.dumps(result, indent=1, ensure_ascii=False) if args.json else table(result["results"]))
    return result


if __name__ == "__main__":
    main()
