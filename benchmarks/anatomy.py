"""Where one CPU epoch of the seed's loop goes: removed piece by piece, and seen through the profiler.

    python -m benchmarks.anatomy               # full run, ~3 min on 2 cores; writes the default file
    python -m benchmarks.anatomy --quick       # seconds; what the tests run
    python -m benchmarks.anatomy --out results/anatomy-my-machine.json

Four epochs give the same losses, bit for bit, and run the same computing ATen ops; each lacks one
more layer of what PyTorch does around them (differential measurements, timed in alternation):

    seed        the seed's loop: nn.Module, CrossEntropyLoss, optimizer.zero_grad()/step(), backward()
    functional  the same ops from plain functions: no nn.Module or Optimizer Python code
    by_hand     the same computing ops with no autograd: each backward op called from Python
    by_hand_xK  by_hand on the training set repeated K times: the extra time is K-1 epochs' arithmetic

so that seed = Python of modules and optimizer (seed - functional) + autograd (functional - by_hand)
+ fixed cost of the ops (by_hand - arithmetic) + arithmetic ((by_hand_xK - by_hand) / (K-1)).
Beside them: each op of by_hand timed alone (their sum should give by_hand), the cheapest PyTorch
and NumPy calls, the matrix products' arithmetic at this CPU's large-matmul rate (the floor), and
a torch.profiler view of the seed epoch by phase (record_function ranges, key_averages). All of it
once with one thread and once with the default thread count. `python -m benchmarks.make_figures`
draws the stacked bars and tables.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch.profiler import ProfilerActivity, profile, record_function

from benchmarks.overheads import interleaved, timing
from benchmarks.stamp import machine_stamp
from benchmarks.stats import median
from benchmarks.timing import make_epoch, per_call_samples
from snippets.iris_setup import IrisMLP, load_iris_tensors
from snippets.overhead_launch import count_flops, count_ops

ROOT = Path(__file__).resolve().parent.parent
CPU = torch.device("cpu")
SETTINGS = {
    "quick": {"turns": 3, "min_time": 0.005, "op_min_time": 0.001, "op_repeats": 3, "scale": 10,
              "matmul_size": 128},
    "full": {"turns": 15, "min_time": 0.1, "op_min_time": 0.02, "op_repeats": 7, "scale": 10,
             "matmul_size": 512},
}
PHASES = ("zero_grad", "forward", "loss", "backward", "step", "item")


# ---------------------------------------------------------------- the epochs
# --8<-- [start:functional]
def functional_epoch(model, x, y, lr=0.01):
    """The seed's epoch without nn.Module or Optimizer code: the same ATen ops, from plain functions."""
    w1, b1, w2, b2 = model.fc1.weight, model.fc1.bias, model.fc2.weight, model.fc2.bias
    params = [w1, b1, w2, b2]

    def epoch():
        for p in params:
            p.grad = None                      # what optimizer.zero_grad() does
        hidden = F.relu(F.linear(x, w1, b1))
        loss = F.cross_entropy(F.linear(hidden, w2, b2), y)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p.add_(p.grad, alpha=-lr)      # what optimizer.step() of plain SGD does
        return loss.item()

    return epoch
# --8<-- [end:functional]


# --8<-- [start:by_hand]
def by_hand_epoch(model, x, y, lr=0.01):
    """The same computing ops with no autograd: every backward op is called here, from Python."""
    w1, b1, w2, b2 = (p.detach() for p in model.parameters())  # the model's storage, no graph
    total = torch.tensor(float(len(y)))       # what nll_loss divides by: the number of samples
    nll_backward = torch.ops.aten.nll_loss_backward.default       # not in torch's Python API
    relu_backward = torch.ops.aten.threshold_backward.default

    @torch.no_grad()
    def epoch():
        hidden = F.linear(x, w1, b1)
        active = F.relu(hidden)
        log_probs = torch.log_softmax(F.linear(active, w2, b2), dim=1)
        loss = F.nll_loss(log_probs, y)        # cross_entropy = log_softmax + nll_loss
        d_log_probs = nll_backward(torch.ones_like(loss), log_probs, y, None, 1, -100, total)
        d_logits = torch._log_softmax_backward_data(d_log_probs, log_probs, 1, log_probs.dtype)
        d_hidden = relu_backward(d_logits.mm(w2), hidden, 0)
        for w, grad in ((w2, d_logits.t().mm(active)), (b2, d_logits.sum(0)),
                        (w1, d_hidden.t().mm(x)), (b1, d_hidden.sum(0))):
            w.add_(grad, alpha=-lr)            # plain SGD, in place
        return loss.item()

    return epoch
# --8<-- [end:by_hand]


def phased_epoch(model, x, y, lr=0.01):
    """The seed's epoch with a profiler range around each phase."""
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)

    def epoch():
        with record_function("zero_grad"):
            optimizer.zero_grad()
        with record_function("forward"):
            scores = model(x)
        with record_function("loss"):
            loss = loss_fn(scores, y)
        with record_function("backward"):
            loss.backward()
        with record_function("step"):
            optimizer.step()
        with record_function("item"):
            return loss.item()

    return epoch


EPOCHS = {"seed": make_epoch, "functional": functional_epoch, "by_hand": by_hand_epoch}


def by_hand_calls(model, x, y, lr=0.01):
    """Each call of by_hand_epoch as its own function, on the inputs it gets there (for timing alone)."""
    w1, b1, w2, b2 = (p.detach().clone() for p in model.parameters())  # add_ changes copies only
    total = torch.tensor(float(len(y)))
    nll_backward = torch.ops.aten.nll_loss_backward.default
    relu_backward = torch.ops.aten.threshold_backward.default
    with torch.no_grad():
        hidden = F.linear(x, w1, b1)
        active = F.relu(hidden)
        logits = F.linear(active, w2, b2)
        log_probs = torch.log_softmax(logits, dim=1)
        loss = F.nll_loss(log_probs, y)
        ones = torch.ones_like(loss)
        d_log_probs = nll_backward(ones, log_probs, y, None, 1, -100, total)
        d_logits = torch._log_softmax_backward_data(d_log_probs, log_probs, 1, log_probs.dtype)
        d_active = d_logits.mm(w2)
        d_hidden = relu_backward(d_active, hidden, 0)
        d_logits_t, d_hidden_t = d_logits.t(), d_hidden.t()
        grads = {"w2": d_logits_t.mm(active), "b2": d_logits.sum(0), "w1": d_hidden_t.mm(x),
                 "b1": d_hidden.sum(0)}
    return [
        ("linear (fc1)", lambda: F.linear(x, w1, b1)),
        ("relu", lambda: F.relu(hidden)),
        ("linear (fc2)", lambda: F.linear(active, w2, b2)),
        ("log_softmax", lambda: torch.log_softmax(logits, dim=1)),
        ("nll_loss", lambda: F.nll_loss(log_probs, y)),
        ("ones_like", lambda: torch.ones_like(loss)),
        ("nll_loss_backward", lambda: nll_backward(ones, log_probs, y, None, 1, -100, total)),
        ("_log_softmax_backward_data",
         lambda: torch._log_softmax_backward_data(d_log_probs, log_probs, 1, log_probs.dtype)),
        ("mm (d_logits · w2)", lambda: d_logits.mm(w2)),
        ("threshold_backward", lambda: relu_backward(d_active, hidden, 0)),
        ("t (d_logits)", lambda: d_logits.t()),
        ("mm (w2 gradient)", lambda: d_logits_t.mm(active)),
        ("sum (b2 gradient)", lambda: d_logits.sum(0)),
        ("t (d_hidden)", lambda: d_hidden.t()),
        ("mm (w1 gradient)", lambda: d_hidden_t.mm(x)),
        ("sum (b1 gradient)", lambda: d_hidden.sum(0)),
        ("add_ (w2)", lambda: w2.add_(grads["w2"], alpha=-lr)),
        ("add_ (b2)", lambda: b2.add_(grads["b2"], alpha=-lr)),
        ("add_ (w1)", lambda: w1.add_(grads["w1"], alpha=-lr)),
        ("add_ (b1)", lambda: b1.add_(grads["b1"], alpha=-lr)),
        ("item", lambda: loss.item()),
    ]


# ---------------------------------------------------------------- measurements
def ladder(x, y, scale, turns, min_time):
    """Per-call seconds of each epoch, paired turn by turn."""
    big_x, big_y = x.repeat(scale, 1), y.repeat(scale)
    fns = {}
    for name, make in EPOCHS.items():
        torch.manual_seed(0)
        fns[name] = make(IrisMLP(), x, y)
    torch.manual_seed(0)
    fns[f"by_hand_x{scale}"] = by_hand_epoch(IrisMLP(), big_x, big_y)
    return interleaved(fns, CPU, turns, min_time)


def ops_alone(x, y, repeats, min_time):
    torch.manual_seed(0)
    rows = []
    with torch.no_grad():
        for name, fn in by_hand_calls(IrisMLP(), x, y):
            rows.append({"op": name, **timing("call", per_call_samples(fn, CPU, repeats, min_time))})
    return rows


def matmul_rate(size, repeats):
    """Floating-point operations per second of one large float32 matrix product (near the best)."""
    generator = torch.Generator().manual_seed(0)
    a, b = torch.randn(size, size, generator=generator), torch.randn(size, size, generator=generator)
    seconds = per_call_samples(lambda: a @ b, CPU, repeats, 0.05)
    return 2 * size**3 / median(seconds)


def profiled(x, y):
    """One profiled seed epoch: per phase, its time, the ATen ops in it and the time inside them;
    and key_averages' view of the top-level ops. The profiler's own cost inflates every time."""
    torch.manual_seed(0)
    epoch = phased_epoch(IrisMLP(), x, y)
    epoch()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        epoch()
        epoch()  # the one kept: the profiler's own start-up lands in the first
    events = prof.events()
    phases = []
    for phase in PHASES:
        event = [e for e in events if e.name == phase][-1]
        aten = [e for e in _descendants(event) if e.name.startswith("aten::")]
        top = [e for e in aten if not e.cpu_parent.name.startswith("aten::")]
        phases.append({"phase": phase, "range_s": event.cpu_time_total * 1e-6, "aten_ops": len(aten),
                       "top_level_ops": len(top),
                       "in_top_level_ops_s": sum(e.cpu_time_total for e in top) * 1e-6})
    averages = sorted((a for a in prof.key_averages() if a.key.startswith("aten::")),
                      key=lambda a: a.self_cpu_time_total, reverse=True)
    return {"phases": phases,  # key_averages: both profiled epochs, so counts and times are halved
            "self_time_by_op": [{"op": a.key, "count": a.count // 2, "self_s": a.self_cpu_time_total * 5e-7}
                                for a in averages]}


def _descendants(event):
    for child in event.cpu_children:
        yield child
        yield from _descendants(child)


def trivial_calls(turns, min_time):
    """The cheapest call of each kind: a PyTorch op that computes, one that only makes a view, NumPy."""
    tiny, tiny_np = torch.zeros(1, 1), np.zeros((1, 1), dtype=np.float32)
    return interleaved({"torch_add_": lambda: tiny.add_(1), "torch_t": lambda: tiny.t(),
                        "numpy_add": lambda: np.add(tiny_np, 1, out=tiny_np)}, CPU, turns, min_time)


def anatomy(threads, s):
    torch.set_num_threads(threads)
    x, y, _, _ = load_iris_tensors()
    started = time.perf_counter()
    result = {"threads": threads, "scale": s["scale"]}
    result["epochs"] = {name: timing("epoch", values)
                        for name, values in ladder(x, y, s["scale"], s["turns"], s["min_time"]).items()}
    result["ops_alone"] = ops_alone(x, y, s["op_repeats"], s["op_min_time"])
    result["trivial_calls"] = {name: timing("call", values)
                               for name, values in trivial_calls(s["turns"], s["op_min_time"]).items()}
    result["matmul_flops_per_s"] = matmul_rate(s["matmul_size"], s["op_repeats"])
    result["profile"] = profiled(x, y)
    print(f"{threads} thread(s): {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return result


def counts(x, y):
    """The ops each epoch runs (the same on every machine): ATen ops and the top-level ones."""
    found = {}
    for name, make in EPOCHS.items():
        torch.manual_seed(0)
        c = count_ops(make(IrisMLP(), x, y), CPU)
        found[name] = {"aten_ops": c["aten_ops"], "top_level_ops": c["top_level_ops"]}
    torch.manual_seed(0)
    found["flops"] = count_flops(make_epoch(IrisMLP(), x, y))
    return found


def run(quick: bool) -> dict:
    s = SETTINGS["quick" if quick else "full"]
    default = torch.get_num_threads()
    x, y, _, _ = load_iris_tensors()
    results = {"settings": s, "counts": counts(x, y), "variants": []}
    try:
        for threads in sorted({1, default}):
            results["variants"].append(anatomy(threads, s))
    finally:
        torch.set_num_threads(default)
    return results


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m benchmarks.anatomy",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few, short turns: seconds; not for quoting")
    parser.add_argument("--out", type=Path,
                        help="result file (default: results/anatomy-cpu-<N>core.json)")
    args = parser.parse_args(argv)
    stamp = machine_stamp(CPU)
    out = args.out or ROOT / "results" / f"anatomy-cpu-{stamp['usable_cpus']}core.json"
    if out.suffix != ".json":
        parser.error(f"--out must name a .json file, not {str(out)!r}")
    if out.is_dir():
        parser.error(f"--out names a folder: {str(out)!r}")
    data = {
        "benchmark": "anatomy",
        "command": shlex.join(["python", "-m", "benchmarks.anatomy", *argv]),
        "quick": args.quick,
        "stamp": stamp,
        "results": run(args.quick),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
