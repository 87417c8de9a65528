"""Predict, for the machine you run it on, where a GPU starts to beat the CPU at training a small MLP.

    python predict_crossover.py                        # measure (under a minute), predict, explain
    python predict_crossover.py --quick                # seconds: rough constants, to check that it runs
    python predict_crossover.py --lang zh              # 中文输出
    python predict_crossover.py --json                 # one JSON object instead of the report
    python predict_crossover.py --gpu-constants h100   # the published GPU figures to use without a GPU
    python predict_crossover.py --out crossover.json   # also write the JSON object to a file

It measures this machine's constants, puts them into a latency model of one training step of the
guide's Iris MLP (zero_grad, forward, loss, backward, SGD step, loss.item()), predicts the time per
epoch on the CPU and on a GPU for the Iris MLP and for a grid of batch sizes × hidden widths, and
prints the smallest work at which the GPU wins. One step runs N ops that do work, K of them launch
GPU kernels; each op does `flops` and moves `bytes`:

    T_cpu = t_python + N·t_op + Σ_ops max(flops / R_flop(flops), bytes / R_mem(bytes))
    T_gpu = max(t_python + N·t_op + K·t_launch, Σ_kernels max(t_kernel_min, flops / R_gpu, bytes / B_gpu))
            + t_sync for every loss.item()

Softmax and the loss work row by row over 3 classes and move bytes at their own rate, R_rowwise.
t_op and R_flop are timed on one op alone; t_python, R_mem and R_rowwise are fitted to real training
steps at shapes that are not on the grid (an op in a step is slower than the same op alone).
Without a CUDA device the GPU constants are a published set for a named GPU class (--gpu-constants),
and every GPU number is labelled "predicted, not measured"; with one, they are measured too.

The JSON object (--json, --out) holds benchmark ("crossover"), command, quick, stamp (the machine)
and results: cpu (the CPU constants; "alone": relu and log_softmax timed alone; "calibration": the
[batch, hidden, seconds] steps they are fitted to; "fit": the fitted values), gpu (the GPU constants,
"measured", "set", sources), iris (the Iris step: ops, N, K, flops, bytes, and its predicted times),
grid (predicted seconds per epoch, batch sizes × hidden widths, cpu_s and gpu_s), crossover (per
hidden width: the batch from which the GPU stays faster, the flops per step there and the CPU's work
per step there), smallest_flops, checks (training steps measured here against the model), label
("predicted, not measured" or "predicted from constants measured on this GPU"), reasoning (the
paragraph the report ends with) and load_average (how busy the machine was when the run began).

Needs torch; py-cpuinfo and psutil, if installed, name the CPU and count its cores.
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import functools
import json
import math
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_leaves
from torch.utils.flop_counter import flop_registry

IRIS = {"batch": 120, "hidden": 10, "epochs": 20_000}
BATCH_SIZES = [120, 1_200, 12_000, 120_000]
HIDDEN_WIDTHS = [10, 100, 1_000]
TOP_BATCH = 2**24  # the crossover search stops here

# Published figures for a GPU class, used where there is no CUDA device to measure. The host-side
# numbers (t_launch, t_sync, the copies' latency) depend on the host CPU and the driver more than on
# the GPU; they are orders of magnitude, to be replaced by measurements (--gpu-constants measure).
_HOST_SIDE = {"t_launch": 4e-6, "t_kernel_min": 2e-6, "t_sync": 10e-6, "h2d_latency": 10e-6,
              "d2h_latency": 10e-6, "h2d_bytes_per_s": 50e9, "d2h_bytes_per_s": 50e9}
_HOST_SOURCES = {
    "t_launch": "what a kernel-launching op costs the host beyond the same op on the CPU. Traces show "
                "3.5 µs per cuLaunchKernel (https://github.com/JuliaGPU/CUDA.jl/pull/2162) and 4.8 µs "
                "per cuLaunchKernel, 6.5 µs per cudaLaunchKernel in a PyTorch profile "
                "(https://github.com/pytorch/xla/pull/6407)",
    "t_kernel_min": "run back to back, a kernel with almost nothing to do still occupies the device for "
                    "a few µs (https://developer.nvidia.com/blog/cuda-graphs/)",
    "t_sync": "one loss.item(): a 4-byte device-to-host copy and a wait; 9 µs at best in an isolated "
              "measurement (https://github.com/kekzl/imp/issues/1654), about 3 µs for a synchronize "
              "alone (https://github.com/JuliaGPU/CUDA.jl/pull/2162)",
    "h2d_latency": "the fixed cost of one copy, the order of t_sync "
                   "(https://docs.nvidia.com/cuda/cuda-c-best-practices-guide/index.html)",
    "d2h_latency": "as h2d_latency",
    "h2d_bytes_per_s": "PCIe Gen5 x16 moves 64 GB/s each way in theory, 128 GB/s both ways "
                       "(https://www.nvidia.com/en-us/data-center/h200/); nvbandwidth measured 35-53 GB/s "
                       "on an H100 (https://github.com/NVIDIA/nvbandwidth/issues/24)",
    "d2h_bytes_per_s": "as h2d_bytes_per_s",
}
GPU_CONSTANTS = {
    "h200": {"name": "NVIDIA H200-class GPU", "name_zh": "NVIDIA H200 级 GPU",
             "flops_per_s": 67e12, "bytes_per_s": 4.8e12, **_HOST_SIDE,
             "sources": {"flops_per_s": "FP32, H200 SXM (https://www.nvidia.com/en-us/data-center/h200/)",
                         "bytes_per_s": "HBM3e, H200 SXM (https://www.nvidia.com/en-us/data-center/h200/)",
                         **_HOST_SOURCES}},
    "h100": {"name": "NVIDIA H100-class GPU", "name_zh": "NVIDIA H100 级 GPU",
             "flops_per_s": 67e12, "bytes_per_s": 3.35e12, **_HOST_SIDE,
             "sources": {"flops_per_s": "FP32, H100 SXM (https://www.nvidia.com/en-us/data-center/h100/)",
                         "bytes_per_s": "HBM3, H100 SXM (https://www.nvidia.com/en-us/data-center/h100/)",
                         **_HOST_SOURCES}},
}


# --8<-- [start:step]
@dataclass
class Op:
    """One op of a training step that does work: the arithmetic it does, the bytes it reads and writes."""

    name: str
    flops: float
    bytes: float
    kernel: bool  # launches a GPU kernel on CUDA (loss.item()'s copy does not: that is t_sync)


@dataclass
class Step:
    ops: list[Op]  # metadata-only ops (t, view, detach) are left out: they only relabel a tensor
    syncs: int = 1  # loss.item() calls: each one waits for the GPU

    @property
    def n(self):
        return len(self.ops)

    @property
    def k(self):
        return sum(op.kernel for op in self.ops)
# --8<-- [end:step]


# --8<-- [start:model]
# Ops that work row by row over the 3 classes (an exp, a log, a gather per row): too short to vectorise.
ROWWISE = {"aten::_log_softmax", "aten::_log_softmax_backward_data", "aten::nll_loss_forward",
           "aten::nll_loss_backward"}


def rate(table, size):
    """Throughput at this size from a measured [[size, per_second], ...] table: the time per unit is
    interpolated linearly in log(size) between neighbouring rows and held constant beyond the ends."""
    sizes = [s for s, _ in table]
    i = min(max(bisect.bisect(sizes, size), 1), len(table) - 1)
    (s0, r0), (s1, r1) = table[i - 1], table[i]
    f = min(max(math.log(max(size, 1) / s0) / math.log(s1 / s0), 0.0), 1.0)
    return 1 / ((1 - f) / r0 + f / r1)


def cpu_op_seconds(op, cpu):
    """Roofline: an op lasts as long as its arithmetic or its memory traffic, whichever is slower."""
    arithmetic = op.flops / rate(cpu["matmul"], op.flops) if op.flops else 0.0
    streaming = cpu["rowwise"] if op.name in ROWWISE else rate(cpu["memory"], op.bytes)
    return max(arithmetic, op.bytes / streaming)


def cpu_step_seconds(step, cpu):
    """T_cpu = t_python + N·t_op + Σ work: the CPU dispatches each op, then runs it, one after another."""
    return cpu["t_python"] + step.n * cpu["t_op"] + sum(cpu_op_seconds(op, cpu) for op in step.ops)


def gpu_terms(step, cpu, gpu):
    """The host issues every op and launches the kernels; the GPU runs them meanwhile."""
    host = cpu["t_python"] + step.n * cpu["t_op"] + step.k * gpu["t_launch"]
    device = sum(max(gpu["t_kernel_min"], op.flops / gpu["flops_per_s"], op.bytes / gpu["bytes_per_s"])
                 for op in step.ops if op.kernel)
    return {"host": host, "device": device, "sync": step.syncs * gpu["t_sync"]}


def gpu_step_seconds(step, cpu, gpu):
    """T_gpu = max(host, device) + t_sync per .item(): the slower side sets the pace, then one wait."""
    terms = gpu_terms(step, cpu, gpu)
    return max(terms["host"], terms["device"]) + terms["sync"]
# --8<-- [end:model]


# ---------------------------------------------------------------- what one step does
# --8<-- [start:record]
class MLP(nn.Module):
    """The guide's Iris MLP: 4 inputs, a hidden ReLU layer, 3 outputs."""

    def __init__(self, hidden=10):
        super().__init__()
        self.fc1 = nn.Linear(4, hidden)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden, 3)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))


def make_step(model, x, y, foreach=None):
    """One step of the guide's loop, without the .item(): zero_grad, forward, loss, backward, SGD."""
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, foreach=foreach)

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    return step


def _nbytes(tree):
    return sum(t.numel() * t.element_size() for t in tree_leaves(tree) if isinstance(t, torch.Tensor))


class OpRecorder(TorchDispatchMode):
    """Sees every ATen op a step sends to the backend: records its name, flops and bytes moved."""

    def __init__(self):
        super().__init__()
        self.ops = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        if func.namespace == "aten" and not func.is_view:  # t, view, detach only relabel a tensor
            count = flop_registry.get(func._overloadpacket)  # the formulas FlopCounterMode uses
            flops = count(*args, **kwargs, out_val=out) if count else 0
            written = _nbytes(out) if out is not None else _nbytes(args[0])  # in-place ops return None
            self.ops.append(Op(func.name(), flops, _nbytes((args, kwargs)) + written, kernel=True))
        return out


def record_step(batch, hidden, device="cpu"):
    """The ops of one training step, recorded on the meta device: shapes only, nothing computed.

    device="cuda" records what CUDA runs: there SGD defaults to foreach, one multi-tensor op for all
    four parameters instead of one add_ each.
    """
    with torch.device("meta"):
        model, x = MLP(hidden), torch.empty(batch, 4)
        y = torch.zeros(batch, dtype=torch.long)
    step = make_step(model, x, y, foreach=(device == "cuda"))
    step()  # the first step creates the gradients
    recorder = OpRecorder()
    with recorder:
        step()
    # loss.item() cannot run on meta tensors: on the CPU it is one more op, on CUDA a copy and a wait.
    return Step([*recorder.ops, Op("aten::_local_scalar_dense", 0, 4, kernel=False)], syncs=1)
# --8<-- [end:record]


_CORNERS = ((8, 5), (16, 5), (8, 7), (16, 7))


@functools.cache
def _corner_steps(device):
    steps = [record_step(batch, hidden, device) for batch, hidden in _CORNERS]
    if len({tuple(op.name for op in step.ops) for step in steps}) != 1:
        raise RuntimeError("the step runs different ops at different sizes: call record_step per size")
    return steps


def step_for(batch, hidden, device="cpu"):
    """What record_step(batch, hidden, device) returns, in microseconds instead of milliseconds.

    Every tensor of this MLP is (batch, hidden or a constant) × a constant, so each op's flops and
    bytes are bilinear in (batch, hidden): four small recordings give them exactly at any size.
    """
    steps = _corner_steps(device)
    (b0, h0), (b1, _), (_, h1), _ = _CORNERS
    u, v = (batch - b0) / (b1 - b0), (hidden - h0) / (h1 - h0)
    weights = ((1 - u) * (1 - v), u * (1 - v), (1 - u) * v, u * v)
    ops = [Op(first.name, round(sum(w * s.ops[i].flops for w, s in zip(weights, steps, strict=True))),
              round(sum(w * s.ops[i].bytes for w, s in zip(weights, steps, strict=True))), first.kernel)
           for i, first in enumerate(steps[0].ops)]
    return Step(ops, steps[0].syncs)


def step_summary(step):
    return {"n": step.n, "k": step.k, "flops": sum(op.flops for op in step.ops),
            "bytes": sum(op.bytes for op in step.ops), "ops": [op.name for op in step.ops]}


# ---------------------------------------------------------------- measuring
def seconds_per_call(fn, sync=None, budget=0.05, repeats=5):
    """Median seconds per call: warm up, pick n calls lasting >= budget, time `repeats` rounds of n."""
    sync = sync or (lambda: None)
    fn()
    sync()
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        sync()
        elapsed = time.perf_counter() - start
        if elapsed >= budget or calls >= 1 << 20:
            break
        calls *= 2 if elapsed > budget / 4 else 8
    rounds = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        sync()
        rounds.append((time.perf_counter() - start) / calls)
    return statistics.median(rounds)


def _effort(quick):
    return {"budget": 0.01, "repeats": 3} if quick else {"budget": 0.05, "repeats": 5}


# Shapes (batch, hidden) whose real training steps calibrate the CPU's constants: none is on the grid,
# so the grid stays a test the constants have not seen.
CALIBRATION = [(8, 4), (64, 16), (256, 32), (2_048, 32), (16_384, 32), (65_536, 8), (131_072, 16),
               (512, 512), (4_096, 512), (32_768, 256)]
QUICK_CALIBRATION = [(8, 4), (256, 32), (2_048, 32), (16_384, 8), (512, 256)]


def measure_cpu(quick):
    """The CPU's constants. t_op and R_flop come from one op alone. The memory throughputs, R_rowwise
    and t_python come from real training steps at the CALIBRATION shapes, fitted (fit_cpu): an op in a
    step runs among fresh allocations and other tensors, slower than the same op timed alone."""
    effort = _effort(quick)
    tiny = torch.zeros(1)
    t_op = seconds_per_call(lambda: tiny.add_(1), **effort)

    one, matmul = torch.ones(1, 1), []
    base = seconds_per_call(lambda: one @ one, **effort)  # dispatch only, subtracted below
    for n in [16, 32, 64, 128, 256] + ([] if quick else [512, 1024]):
        a = torch.randn(n, n)
        spent = seconds_per_call(lambda a=a: a @ a, **effort) - base
        matmul.append([2.0 * n**3, 2.0 * n**3 / max(spent, 1e-9)])
    matmul = _smooth(matmul)

    alone = {"memory": []}  # relu into a new tensor reads n floats and writes n floats
    few = torch.ones(16)
    base = seconds_per_call(lambda: torch.relu(few), **effort)
    for power in range(8, 21, 2) if quick else range(8, 27, 2):
        a = torch.rand(2**power)
        spent = seconds_per_call(lambda a=a: torch.relu(a), **effort) - base
        alone["memory"].append([8.0 * 2**power, 8.0 * 2**power / max(spent, 1e-9)])
        del a
    alone["memory"] = _smooth(alone["memory"])
    rows = torch.randn(2**14 if quick else 2**16, 3)  # log_softmax over 3 classes, as in the loss
    spent = seconds_per_call(lambda: torch.log_softmax(rows, 1), **effort) - base
    alone["rowwise"] = 8.0 * rows.numel() / max(spent, 1e-9)

    steps = [[b, h, measure_step(b, h, torch.device("cpu"), **effort)]
             for b, h in (QUICK_CALIBRATION if quick else CALIBRATION)]
    cpu = fit_cpu([(step_for(b, h), seconds) for b, h, seconds in steps], t_op, matmul)
    if cpu is None:  # no fit with positive constants (a very noisy run): fall back on the ops alone
        cpu = {"t_op": t_op, "t_python": 0.0, "matmul": matmul, **alone, "fit": None}
        cpu["t_python"] = max(steps[0][2] - cpu_step_seconds(step_for(*steps[0][:2]), cpu), 0.0)
    cpu.update(threads=torch.get_num_threads(), alone=alone, calibration=steps)
    return cpu


def memory_table(size, r_small, r_big):
    """Two memory throughputs, the time per byte changing gradually between size/2 and 2·size."""
    return [[1.0, r_small], [size / 2, r_small], [size * 2, r_big], [1e15, r_big]]


def _columns(step, size):
    """T = t_fixed + small/R_small + big/R_big + rows/R_rowwise: the factors of the four unknowns,
    splitting each op's bytes the way rate() does on memory_table(size, ...)."""
    small = big = rows = 0.0
    for op in step.ops:
        if op.name in ROWWISE:
            rows += op.bytes
            continue
        towards_big = min(max(math.log(max(op.bytes, 1) / (size / 2)) / math.log(4), 0.0), 1.0)
        small += op.bytes * (1 - towards_big)
        big += op.bytes * towards_big
    return [1.0, small, big, rows]


def fit_cpu(points, t_op, matmul):
    """CPU constants fitted to measured [(step, seconds), ...]: least squares of the relative error,
    the break size searched in quarter octaves between the caches' and main memory's sizes, every
    constant positive, memory no faster above the break than below, and a separate throughput above
    the break only where two or more steps measure it; None if no fit is. Assumes the steps are
    memory-bound (the flops term is left out of the fit)."""
    best = None
    largest = [max((op.bytes for op in step.ops if op.name not in ROWWISE), default=0) for step, _ in points]
    for q in range(72, 113):  # break sizes 256 KiB .. 256 MiB
        size = 2 ** (q / 4)
        rows = [[c / seconds for c in _columns(step, size)] for step, seconds in points]
        # A throughput above the break is measured only if at least two steps move ops wholly above it;
        # otherwise the break would sit beyond the data and R_big be guessed from nothing.
        above = sum(b >= 2 * size for b in largest) >= 2
        # Fewer unknowns where the data cannot tell them apart: one memory throughput on both sides of
        # the break, or one throughput for every op.
        for design, expand in (
                *([(rows, lambda c: c)] if above else []),
                ([[r[0], r[1] + r[2], r[3]] for r in rows], lambda c: [c[0], c[1], c[1], c[2]]),
                ([[r[0], r[1] + r[2] + r[3]] for r in rows], lambda c: [c[0], c[1], c[1], c[1]])):
            coef = _least_squares(design)
            if coef is None or min(coef) <= 0 or expand(coef)[1] > expand(coef)[2]:
                continue
            score = sum((sum(a * c for a, c in zip(r, coef, strict=True)) - 1) ** 2 for r in design)
            if best is None or score < best[0]:
                best = (score, size, expand(coef))
    if best is None:
        return None
    _, size, (t_fixed, per_small, per_big, per_row) = best
    n = step_for(IRIS["batch"], IRIS["hidden"]).n
    return {"t_op": t_op, "t_python": t_fixed - n * t_op, "matmul": matmul,
            "memory": memory_table(size, 1 / per_small, 1 / per_big), "rowwise": 1 / per_row,
            "fit": {"t_fixed": t_fixed, "break_bytes": size, "r_small": 1 / per_small, "r_big": 1 / per_big}}


def _least_squares(rows):
    """x minimising Σ (row·x − 1)², by the normal equations on scaled columns, in plain floats (the
    same digits on every machine, so the committed figures regenerate exactly); None if singular."""
    width = len(rows[0])
    scale = [max(abs(r[j]) for r in rows) or 1.0 for j in range(width)]
    a = [[r[j] / scale[j] for j in range(width)] for r in rows]
    m = [[sum(r[i] * r[j] for r in a) for j in range(width)] + [sum(r[i] for r in a)] for i in range(width)]
    for col in range(width):  # Gauss-Jordan elimination with partial pivoting
        pivot = max(range(col, width), key=lambda i: abs(m[i][col]))
        if abs(m[pivot][col]) < 1e-12:
            return None
        m[col], m[pivot] = m[pivot], m[col]
        for i in range(width):
            if i != col:
                factor = m[i][col] / m[col][col]
                m[i] = [x - factor * y for x, y in zip(m[i], m[col], strict=True)]
    return [m[i][width] / m[i][i] / scale[i] for i in range(width)]


def _smooth(table):
    """Each rate replaced by the median of itself and its neighbours: one disturbed size (a time slice
    lost to another program, a difference of two near-equal times) must not bend the whole curve."""
    rates, smooth = [r for _, r in table], []
    for i, (size, _) in enumerate(table):
        start = min(max(i - 1, 0), max(len(rates) - 3, 0))  # three neighbours, also at the ends
        smooth.append([size, statistics.median(rates[start:start + 3])])
    return smooth


def measure_step(batch, hidden, device, budget=0.05, repeats=5):
    """Seconds per real training step, with loss.item(), on random data shaped like Iris."""
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(batch, 4, generator=generator).to(device)
    y = torch.randint(0, 3, (batch,), generator=generator).to(device)
    torch.manual_seed(0)
    step = make_step(MLP(hidden).to(device), x, y)
    return seconds_per_call(lambda: step().item(), budget=budget, repeats=repeats)


def measure_gpu(device, t_op_cpu, quick):
    """The GPU's constants, measured: launch, shortest kernel, sync, throughput, copies."""
    effort = _effort(quick)

    def sync():
        torch.cuda.synchronize(device)

    tiny = torch.zeros(1, device=device)
    host_op = seconds_per_call(lambda: tiny.add_(1), sync, **effort)  # the host issues, never waits
    t_sync = seconds_per_call(tiny.item, None, **effort)  # every .item() waits for an idle GPU

    graph, side = torch.cuda.CUDAGraph(), torch.cuda.Stream(device)
    side.wait_stream(torch.cuda.current_stream(device))
    with torch.cuda.stream(side):
        for _ in range(3):
            tiny.add_(1)
    torch.cuda.current_stream(device).wait_stream(side)
    with torch.cuda.graph(graph):
        for _ in range(100):
            tiny.add_(1)
    t_kernel_min = seconds_per_call(graph.replay, sync, **effort) / 100  # replay: no host cost per kernel

    n = 2048 if quick else 8192
    a = torch.randn(n, n, device=device)
    flops_per_s = 2.0 * n**3 / seconds_per_call(lambda: a @ a, sync, **effort)
    size = (64 if quick else 512) << 20
    src = torch.empty(size, dtype=torch.uint8, device=device)
    dst = torch.empty_like(src)
    bytes_per_s = 2.0 * size / seconds_per_call(lambda: dst.copy_(src), sync, **effort)

    pinned_one, device_one = torch.empty(1, pin_memory=True), torch.empty(1, device=device)
    pinned_big = torch.empty(size, dtype=torch.uint8, pin_memory=True)
    copies = {
        "h2d_latency": seconds_per_call(lambda: device_one.copy_(pinned_one), sync, **effort),
        "d2h_latency": seconds_per_call(lambda: pinned_one.copy_(device_one), sync, **effort),
        "h2d_bytes_per_s": size / seconds_per_call(lambda: src.copy_(pinned_big), sync, **effort),
        "d2h_bytes_per_s": size / seconds_per_call(lambda: pinned_big.copy_(src), sync, **effort),
    }
    return {"name": torch.cuda.get_device_name(device), "measured": True,
            "t_launch": max(host_op - t_op_cpu, 0.0), "t_kernel_min": t_kernel_min, "t_sync": t_sync,
            "flops_per_s": flops_per_s, "bytes_per_s": bytes_per_s, **copies,
            "kernels_counted": count_cuda_kernels(device), "sources": {}}


def count_cuda_kernels(device):
    """Kernels one real Iris step launches on CUDA, counted by torch.profiler (copies left out)."""
    from torch.profiler import ProfilerActivity, profile

    generator = torch.Generator().manual_seed(0)
    x = torch.randn(IRIS["batch"], 4, generator=generator).to(device)
    y = torch.randint(0, 3, (IRIS["batch"],), generator=generator).to(device)
    step = make_step(MLP(IRIS["hidden"]).to(device), x, y)
    step().item()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        step().item()
    names = [e.name for e in prof.events() if e.device_type == torch.autograd.DeviceType.CUDA]
    return sum(not name.lower().startswith(("memcpy", "memset")) for name in names)


# ---------------------------------------------------------------- predicting
def crossover(hidden, cpu, gpu, top=TOP_BATCH):
    """The smallest batch from which on the GPU stays faster (searched up to `top`), and its flops."""
    found = None
    for q in range(4 * int(math.log2(top)), -1, -1):  # quarter octaves, from the top down
        batch = round(2 ** (q / 4))
        if gpu_step_seconds(step_for(batch, hidden, "cuda"), cpu, gpu) >= cpu_step_seconds(
                step_for(batch, hidden), cpu):
            break
        found = batch
    if found is None:
        return {"hidden": hidden, "batch": None, "flops": None, "cpu_work_s": None}
    step = step_for(found, hidden)
    return {"hidden": hidden, "batch": found, "flops": step_summary(step)["flops"],
            "cpu_work_s": sum(cpu_op_seconds(op, cpu) for op in step.ops)}


def predict(cpu, gpu, batch_sizes=BATCH_SIZES, hidden_widths=HIDDEN_WIDTHS):
    """The Iris step, the grid and the crossover per hidden width, on both sides."""
    on_cpu, on_gpu = step_for(IRIS["batch"], IRIS["hidden"]), step_for(IRIS["batch"], IRIS["hidden"], "cuda")
    terms = gpu_terms(on_gpu, cpu, gpu)
    iris = {**IRIS, "step_cpu": step_summary(on_cpu), "step_gpu": step_summary(on_gpu),
            "cpu_s": cpu_step_seconds(on_cpu, cpu), "gpu_s": gpu_step_seconds(on_gpu, cpu, gpu),
            "cpu_work_s": sum(cpu_op_seconds(op, cpu) for op in on_cpu.ops),
            "gpu_host_s": terms["host"], "gpu_device_s": terms["device"], "gpu_sync_s": terms["sync"]}
    grid = {"batch_sizes": list(batch_sizes), "hidden_widths": list(hidden_widths),
            "cpu_s": [[cpu_step_seconds(step_for(b, h), cpu) for h in hidden_widths] for b in batch_sizes],
            "gpu_s": [[gpu_step_seconds(step_for(b, h, "cuda"), cpu, gpu) for h in hidden_widths]
                      for b in batch_sizes]}
    points = [crossover(h, cpu, gpu) for h in hidden_widths]
    return iris, grid, points


# ---------------------------------------------------------------- words
TEXT = {
    "en": {
        "title": "Predicting the CPU/GPU crossover on {cpu} ({threads} threads), torch {torch}",
        "quick": "Quick run: rough constants that only show the tool works; do not quote them.",
        "busy": "The machine was busy (load average {load:.1f} on {cpus} CPUs): other programs slow the "
                "measurements down unevenly; measure again when it is idle.",
        "cpu_head": "CPU constants, measured on this machine",
        "gpu_head_published": "GPU constants: {name}; every GPU number below is predicted, not measured",
        "gpu_head_measured": "GPU constants, measured on {name}",
        "t_python": "Python and framework work per step, outside the ops (fitted t_fixed − N·t_op)",
        "t_op": "dispatching one op (add_ on a 1-element tensor)",
        "R_flop": "matrix-multiply throughput, {lo} to {hi} flops per op",
        "R_mem": "memory throughput of an op in a training step: {small} below {size} moved, {big} above",
        "R_rowwise": "softmax and loss ops in a training step (log_softmax alone: {alone})",
        "R_alone": "relu alone, {lo} to {hi} moved per op",
        "fitted": "fitted to real training steps at {n} shapes not on the grid",
        "not_fitted": "the fit to {n} real training steps failed (a noisy run?): these are ops alone",
        "t_launch": "host cost of launching one kernel, beyond the op itself",
        "t_kernel_min": "shortest time a kernel occupies the GPU",
        "t_sync": "one .item(): copy 4 bytes back and wait for the GPU",
        "R_gpu": "FP32 arithmetic throughput",
        "B_gpu": "device-memory bandwidth",
        "copies": "host→device / device→host: latency {h2d_l} / {d2h_l}, bandwidth {h2d_b} / {d2h_b}",
        "kernels_counted": "kernels one Iris step launched (torch.profiler): {n}",
        "iris_head": "One Iris step (batch {batch}, hidden {hidden}): N = {n} ops on the CPU; "
                     "on CUDA N = {gn}, K = {k} kernels; {flops} flops, {bytes} moved",
        "iris_cpu": "CPU: {t} per epoch (Python {py}, dispatch {disp}, work {work}); "
                    "{epochs} epochs: {total}",
        "iris_gpu": "GPU: {t} per epoch (host {host}, kernels {dev}, sync {sync}); {epochs} epochs: {total}",
        "grid_head": "Predicted time per epoch, CPU / GPU",
        "batch": "batch", "hidden": "hidden {h}",
        "checks_head": "Checks on this machine: a measured training step against the model",
        "check": "{d} batch {b}, hidden {h}: measured {m}, model {p} ({e:+.0%})",
        "cross_head": "Predicted crossover (smallest batch from which the GPU stays faster)",
        "cross": "hidden {h}: batch {b} ({f} flops per step)",
        "cross_none": "hidden {h}: the GPU does not win up to batch {top}",
        "why_head": "Why",
        "predicted": "predicted, not measured",
        "predicted_measured": "predicted from constants measured on this GPU",
        "reason": (
            "On this CPU one Iris step costs about {cpu}: {py} of Python and framework work, N = {n} "
            "ops × t_op = {disp}, and only {work} of arithmetic and memory traffic. On the GPU ({label}) "
            "the host still runs the same Python and dispatches N = {gn} ops, and it launches K = {k} "
            "kernels at t_launch = {launch} each, {host} in all, while the kernels themselves need "
            "{dev}; every loss.item() then waits t_sync = {sync} for the result. So a small step is "
            "host-bound on the GPU and pays a fixed extra of about {extra} over the CPU's fixed cost. "
            "The CPU's work grows with the batch and the width, the GPU's hardly does until its "
            "kernels outlast the host: the GPU wins once the CPU's work exceeds that extra, "
            "{where}. The prediction depends mostly on t_python, t_op and t_launch, not on the "
            "GPU's peak throughput."),
        "where": "which the model puts at {f} flops per step (hidden {h}, batch {b})",
        "where_none": "which does not happen in the searched range",
    },
    "zh": {
        "title": "预测 CPU/GPU 交叉点：{cpu}（{threads} 个线程），torch {torch}",
        "quick": "快速模式：常数只是粗测，只能说明工具能正常运行，不能引用。",
        "busy": "测量时机器很忙（{cpus} 个 CPU，平均负载 {load:.1f}）：别的程序会让各项测量慢得不均匀，"
                "请在机器空闲时重测。",
        "cpu_head": "CPU 常数（在本机测量）",
        "gpu_head_published": "GPU 常数：{name}；下面所有 GPU 数字都是预测值，未经实测",
        "gpu_head_measured": "GPU 常数（在 {name} 上测量）",
        "t_python": "每步在算子之外的 Python 与框架开销（拟合的 t_fixed − N·t_op）",
        "t_op": "分派一个算子（对 1 个元素的张量做 add_）",
        "R_flop": "矩阵乘法的吞吐量，每个算子 {lo} 到 {hi} 次浮点运算",
        "R_mem": "训练步中算子的内存吞吐量：搬运量小于 {size} 时 {small}，大于时 {big}",
        "R_rowwise": "训练步中 softmax 与损失算子的吞吐量（单独测 log_softmax：{alone}）",
        "R_alone": "单独测 relu，每个算子搬运 {lo} 到 {hi}",
        "fitted": "由 {n} 种不在网格上的形状的真实训练步拟合得到",
        "not_fitted": "对 {n} 个真实训练步的拟合失败（测量受到干扰？）：以下是单独测量算子的结果",
        "t_launch": "主机启动一个核函数的开销（算子本身之外）",
        "t_kernel_min": "一个核函数占用 GPU 的最短时间",
        "t_sync": "一次 .item()：拷回 4 个字节并等待 GPU",
        "R_gpu": "FP32 算术吞吐量",
        "B_gpu": "显存带宽",
        "copies": "主机→设备 / 设备→主机：延迟 {h2d_l} / {d2h_l}，带宽 {h2d_b} / {d2h_b}",
        "kernels_counted": "一步 Iris 训练实际启动的核函数（torch.profiler 计数）：{n}",
        "iris_head": "一步 Iris 训练（批大小 {batch}，隐藏层宽度 {hidden}）：CPU 上 N = {n} 个算子；"
                     "CUDA 上 N = {gn}，K = {k} 个核函数；{flops} 次浮点运算，搬运 {bytes}",
        "iris_cpu": "CPU：每轮 {t}（Python {py}，分派 {disp}，计算与访存 {work}）；{epochs} 轮合计 {total}",
        "iris_gpu": "GPU：每轮 {t}（主机 {host}，核函数 {dev}，同步 {sync}）；{epochs} 轮合计 {total}",
        "grid_head": "预测的每轮用时，CPU / GPU",
        "batch": "批大小", "hidden": "隐藏层 {h}",
        "checks_head": "本机核对：实测一步训练的用时与模型对比",
        "check": "{d} 批大小 {b}，隐藏层 {h}：实测 {m}，模型 {p}（{e:+.0%}）",
        "cross_head": "预测的交叉点（从这个批大小起 GPU 一直更快）",
        "cross": "隐藏层 {h}：批大小 {b}（每步 {f} 次浮点运算）",
        "cross_none": "隐藏层 {h}：批大小到 {top} 为止 GPU 都不占优",
        "why_head": "原因",
        "predicted": "预测值，未经实测",
        "predicted_measured": "用本机 GPU 实测的常数预测",
        "reason": (
            "在这台机器的 CPU 上，一步 Iris 训练约 {cpu}：其中 Python 与框架开销 {py}，N = {n} 个算子 × t_op "
            "= {disp}，真正的计算与访存只有 {work}。换到 GPU 上（{label}），主机仍要执行同样的 Python 代码、"
            "分派 N = {gn} 个算子，还要启动 K = {k} 个核函数，每个 t_launch = {launch}，合计 {host}；"
            "而这些核函数本身只需 {dev}。每次 loss.item() 还要再等 t_sync = {sync} 才能拿到结果。"
            "所以小规模时 GPU 这一侧受主机限制，固定开销比 CPU 多出约 {extra}。CPU 的计算与访存随批大小和"
            "宽度增长，GPU 的用时在核函数比主机慢之前几乎不变：一旦 CPU 的计算与访存超过这笔额外开销，"
            "GPU 就占优，{where}。这个预测主要取决于 t_python、t_op 和 t_launch，而不是 GPU 的峰值吞吐量。"),
        "where": "模型给出的位置是每步 {f} 次浮点运算（隐藏层 {h}，批大小 {b}）",
        "where_none": "在搜索范围内没有出现",
    },
}


# ---------------------------------------------------------------- the report
def fmt_seconds(seconds):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if abs(seconds) >= scale or unit == "ns":
            return f"{seconds / scale:.3g} {unit}"
    raise AssertionError("unreachable")


def fmt_count(value):
    """Three significant digits and an SI prefix: 40.8 k, 1.5 G."""
    for prefix, scale in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if value >= scale:
            return f"{value / scale:.3g} {prefix}"
    return f"{value:.3g} "


def fmt_bytes(value):
    return f"{fmt_count(value)}B"


def fmt_rate(value, unit):
    return f"{fmt_count(value)}{unit}/s"


def group(n):
    return f"{n:,}".replace(",", " ")


def gpu_name(gpu, lang):
    """A published set's name in this language; a measured GPU's name as the driver gives it."""
    return gpu.get(f"name_{lang}", gpu["name"])


def reasoning(lang, cpu, gpu, iris, points, label):
    """The paragraph that explains the prediction, with this machine's numbers."""
    t = TEXT[lang]
    best = min((p for p in points if p["flops"] is not None), key=lambda p: p["flops"], default=None)
    where = (t["where"].format(f=fmt_count(best["flops"]), h=best["hidden"], b=group(best["batch"]))
             if best else t["where_none"])
    n = iris["step_cpu"]["n"]
    fixed_cpu = cpu["t_python"] + n * cpu["t_op"]
    extra = max(iris["gpu_host_s"], iris["gpu_device_s"]) + iris["gpu_sync_s"] - fixed_cpu
    return t["reason"].format(
        cpu=fmt_seconds(iris["cpu_s"]), py=fmt_seconds(cpu["t_python"]), n=n,
        disp=fmt_seconds(n * cpu["t_op"]), work=fmt_seconds(iris["cpu_work_s"]), label=label,
        gn=iris["step_gpu"]["n"], k=iris["step_gpu"]["k"], launch=fmt_seconds(gpu["t_launch"]),
        host=fmt_seconds(iris["gpu_host_s"]), dev=fmt_seconds(iris["gpu_device_s"]),
        sync=fmt_seconds(gpu["t_sync"]), extra=fmt_seconds(extra), where=where)


def report(result, lang):
    """The human-readable report, in one language."""
    t, r, stamp = TEXT[lang], result["results"], result["stamp"]
    cpu, gpu, iris = r["cpu"], r["gpu"], r["iris"]
    label = t["predicted_measured" if gpu["measured"] else "predicted"]
    lines = [t["title"].format(cpu=stamp["cpu"], threads=cpu["threads"], torch=stamp["torch"])]
    if result["quick"]:
        lines.append(t["quick"])
    load, cpus = r.get("load_average"), stamp.get("usable_cpus") or 1
    if load is not None and load > cpus / 2:
        lines.append(t["busy"].format(load=load, cpus=cpus))
    mm, alone = cpu["matmul"], cpu["alone"]["memory"]
    lines += ["", t["cpu_head"],
              f"  t_python      {fmt_seconds(cpu['t_python']):>12}  {t['t_python']}",
              f"  t_op          {fmt_seconds(cpu['t_op']):>12}  {t['t_op']}",
              f"  R_flop        {fmt_rate(mm[0][1], 'FLOP')} … {fmt_rate(mm[-1][1], 'FLOP')}  "
              + t["R_flop"].format(lo=fmt_count(mm[0][0]), hi=fmt_count(mm[-1][0])),
              f"  R_alone       {fmt_rate(alone[0][1], 'B')} … {fmt_rate(alone[-1][1], 'B')}  "
              + t["R_alone"].format(lo=fmt_bytes(alone[0][0]), hi=fmt_bytes(alone[-1][0]))]
    fit = cpu.get("fit")
    lines.append("  " + t["fitted" if fit else "not_fitted"].format(n=len(cpu["calibration"])))
    if fit:
        lines.append("  R_mem         " + t["R_mem"].format(
            small=fmt_rate(fit["r_small"], "B"), size=fmt_bytes(fit["break_bytes"]),
            big=fmt_rate(fit["r_big"], "B")))
    lines.append(f"  R_rowwise     {fmt_rate(cpu['rowwise'], 'B'):>12}  "
                 + t["R_rowwise"].format(alone=fmt_rate(cpu["alone"]["rowwise"], "B")))
    head = t["gpu_head_measured" if gpu["measured"] else "gpu_head_published"]
    head = head.format(name=gpu_name(gpu, lang))
    copies = t["copies"].format(h2d_l=fmt_seconds(gpu["h2d_latency"]), d2h_l=fmt_seconds(gpu["d2h_latency"]),
                                h2d_b=fmt_rate(gpu["h2d_bytes_per_s"], "B"),
                                d2h_b=fmt_rate(gpu["d2h_bytes_per_s"], "B"))
    lines += ["", head,
              f"  t_launch      {fmt_seconds(gpu['t_launch']):>12}  {t['t_launch']}",
              f"  t_kernel_min  {fmt_seconds(gpu['t_kernel_min']):>12}  {t['t_kernel_min']}",
              f"  t_sync        {fmt_seconds(gpu['t_sync']):>12}  {t['t_sync']}",
              f"  R_gpu         {fmt_rate(gpu['flops_per_s'], 'FLOP'):>12}  {t['R_gpu']}",
              f"  B_gpu         {fmt_rate(gpu['bytes_per_s'], 'B'):>12}  {t['B_gpu']}",
              f"  {copies}"]
    if gpu.get("kernels_counted") is not None:
        lines.append("  " + t["kernels_counted"].format(n=gpu["kernels_counted"]))
    epochs, n = iris["epochs"], iris["step_cpu"]["n"]
    lines += ["", t["iris_head"].format(batch=iris["batch"], hidden=iris["hidden"], n=n,
                                        gn=iris["step_gpu"]["n"], k=iris["step_gpu"]["k"],
                                        flops=group(int(iris["step_cpu"]["flops"])),
                                        bytes=fmt_bytes(iris["step_cpu"]["bytes"])),
              "  " + t["iris_cpu"].format(t=fmt_seconds(iris["cpu_s"]), py=fmt_seconds(cpu["t_python"]),
                                          disp=fmt_seconds(n * cpu["t_op"]),
                                          work=fmt_seconds(iris["cpu_work_s"]), epochs=group(epochs),
                                          total=fmt_seconds(iris["cpu_s"] * epochs)),
              "  " + t["iris_gpu"].format(t=fmt_seconds(iris["gpu_s"]), host=fmt_seconds(iris["gpu_host_s"]),
                                          dev=fmt_seconds(iris["gpu_device_s"]),
                                          sync=fmt_seconds(iris["gpu_sync_s"]), epochs=group(epochs),
                                          total=fmt_seconds(iris["gpu_s"] * epochs)) + f"  [{label}]"]
    grid = r["grid"]
    lines += ["", f"{t['grid_head']}  [GPU: {label}]",
              f"  {t['batch']:>9}" + "".join(f"{t['hidden'].format(h=h):>24}" for h in grid["hidden_widths"])]
    for b, row_cpu, row_gpu in zip(grid["batch_sizes"], grid["cpu_s"], grid["gpu_s"], strict=True):
        cells = "".join(f"{fmt_seconds(c) + ' / ' + fmt_seconds(g):>24}"
                        for c, g in zip(row_cpu, row_gpu, strict=True))
        lines.append(f"  {group(b):>9}{cells}")
    lines += ["", t["checks_head"]]
    for c in r["checks"]:
        lines.append("  " + t["check"].format(d=c["device"].upper(), b=group(c["batch"]), h=c["hidden"],
                                              m=fmt_seconds(c["measured_s"]), p=fmt_seconds(c["predicted_s"]),
                                              e=c["error"]))
    lines += ["", f"{t['cross_head']}  [{label}]"]
    for p in r["crossover"]:
        lines.append("  " + (t["cross"].format(h=p["hidden"], b=group(p["batch"]), f=fmt_count(p["flops"]))
                             if p["batch"] else t["cross_none"].format(h=p["hidden"], top=group(TOP_BATCH))))
    lines += ["", t["why_head"], reasoning(lang, cpu, gpu, iris, r["crossover"], label)]
    return "\n".join(lines)


# ---------------------------------------------------------------- the program
def machine_stamp():
    """What the constants were measured on: hardware, software, date."""
    try:
        import cpuinfo

        cpu_name = cpuinfo.get_cpu_info().get("brand_raw") or platform.processor()
    except ImportError:
        cpu_name = platform.processor() or platform.machine()
    try:
        import psutil

        physical = psutil.cpu_count(logical=False)
    except ImportError:
        physical = None
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d"),
        "cpu": cpu_name,
        "physical_cores": physical,
        "logical_cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "gpu": torch.cuda.get_device_name() if torch.cuda.is_available() else None,
        "os": platform.platform(terse=True),
    }


def run(quick=False, gpu_constants=None, lang="en", command=None):
    """Measure, predict, explain; returns the JSON-ready result."""
    name = gpu_constants or ("measure" if torch.cuda.is_available() else "h200")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None  # was anything else running?
    cpu = measure_cpu(quick)
    if name == "measure":
        gpu = measure_gpu(torch.device("cuda"), cpu["t_op"], quick)
    else:
        gpu = {**GPU_CONSTANTS[name], "measured": False, "kernels_counted": None}
    label = TEXT[lang]["predicted_measured" if gpu["measured"] else "predicted"]
    iris, grid, points = predict(cpu, gpu)
    effort, checks = _effort(quick), []
    shapes = [(120, 10), (1_200, 100)] + ([] if quick else [(12_000, 100), (12_000, 1_000)])
    for device in ["cpu"] + (["cuda"] if gpu["measured"] else []):
        for batch, hidden in shapes:
            measured = measure_step(batch, hidden, torch.device(device), **effort)
            step = step_for(batch, hidden, device)
            predicted = cpu_step_seconds(step, cpu) if device == "cpu" else gpu_step_seconds(step, cpu, gpu)
            checks.append({"device": device, "batch": batch, "hidden": hidden, "measured_s": measured,
                           "predicted_s": predicted, "error": predicted / measured - 1})
    flops = [p["flops"] for p in points if p["flops"] is not None]
    return {
        "benchmark": "crossover",
        "command": command,
        "quick": quick,
        "stamp": machine_stamp(),
        "results": {"cpu": cpu, "gpu": {**gpu, "set": name}, "iris": iris, "grid": grid, "crossover": points,
                    "smallest_flops": min(flops) if flops else None, "checks": checks, "label": label,
                    "load_average": load,
                    "reasoning": reasoning(lang, cpu, gpu, iris, points, label)},
    }


def _writable_file(text):
    """argparse type: a file whose folder exists."""
    path = Path(text)
    if not path.parent.is_dir():
        raise argparse.ArgumentTypeError(f"folder {str(path.parent)!r} does not exist")
    return path


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="seconds instead of a minute: fewer sizes and repeats; to check, not to quote")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.add_argument("--lang", choices=["zh", "en"], default="en", help="report language (default en)")
    parser.add_argument("--gpu-constants", choices=["measure", *GPU_CONSTANTS],
                        help="measure: measure this machine's CUDA GPU (the default where there is one); "
                             "h200, h100: published figures for that GPU class (without a GPU: h200)")
    parser.add_argument("--out", type=_writable_file, metavar="FILE", help="also write the JSON result here")
    args = parser.parse_args(argv)
    if args.gpu_constants == "measure" and not torch.cuda.is_available():
        parser.error("--gpu-constants measure needs a CUDA device, and this machine has none "
                     f"(choose one of: {', '.join(GPU_CONSTANTS)})")
    return args


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    try:  # the command as typed from the repository's root, or beside the downloaded file
        script = Path(__file__).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        script = Path(__file__).name
    command = " ".join(["python", script, *argv])
    result = run(args.quick, args.gpu_constants, args.lang, command)
    text = json.dumps(result, indent=1, ensure_ascii=False)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text if args.json else report(result, args.lang))


if __name__ == "__main__":
    main()
