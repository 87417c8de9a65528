"""Validation of the crossover model (tools/predict_crossover.py) against the committed measurements.

Called by benchmarks/make_figures.py as make(results, plots_dir, tables_dir). Per machine (the part of
the file name after the benchmark: overheads-h200.json, crossover-h200.json and race-cpu-h200.json /
race-cuda-h200.json belong to machine "h200"; race-cpu-2core.json to "cpu-2core") it compares the model
with what was measured there:

* the batch × width grid of overheads-<machine>.json (results.underuse), on the CPU and, where it was
  measured, on CUDA, and the seed loop of each race on that machine;
* with constants fitted to those very points, leaving each point out of its own fit (leave-one-out),
  which tests the model's form. CPU: four constants (the fixed cost per step, the memory throughput
  below and above a break size, the throughput of the row-wise loss ops). GPU: one, the host's cost of
  one training step (written as an effective t_launch per kernel-launching op), the device side coming
  from the GPU constants; and
* with the constants the tool measured on that machine (crossover-<machine>.json, written by
  `python tools/predict_crossover.py --out ...`), which tests the whole prediction. The GPU points are
  compared only with GPU constants measured on that GPU. A file written by an older version of the tool
  (no "fit" among its CPU constants) is used and labelled as such.

It also sets the crossover measured on the grid (the GPU is faster from one grid batch on and slower at
the one before) next to the crossover the model predicts.

Writes results/tables/crossover-{validation,constants,prediction}.{zh,en}.md and
docs/assets/plots/crossover-<machine>.{zh,en}.svg. Missing files give a "not measured yet" fragment and
no plot. Nothing here measures anything.
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path

from tools import predict_crossover as model

NAME = "crossover"
LANGS = ("zh", "en")
GOAL = 0.25  # median relative error the model must reach on the measured points
GPU_SET = "h200"  # the published constant set the pages compare against
TOOL_COMMAND = "python tools/predict_crossover.py --out results/crossover-{machine}.json"

TEXT = {
    "zh": {
        "none": "还没有提交网格测量结果（`results/overheads-*.json`），无法验证模型。",
        "stamp": "*测量机器：{cpu}（{cores} 个物理核心、{logical} 个逻辑处理器，"
        "PyTorch 用 {threads} 个线程）；GPU：{gpu}；torch {torch}；日期：{date}；数据：{files}*",
        "no_gpu": "无",
        "quick": "（含 `--quick` 快速运行的临时结果，不能引用）",
        "other_cpu": "**注意**：`{file}` 测自另一种 CPU（{cpu}），与网格不是同一台机器，"
        "这一行的误差不能说明模型好坏。",
        "legacy": "`{file}` 由较早版本的工具测得：那时 CPU 常数还没有拟合到真实训练步上"
        "（R_mem 是单独测 relu 的结果，t_python 来自一步训练）。",
        "summary": [
            "设备",
            "模型的常数从哪里来",
            "测量点",
            "相对误差中位数",
            "最大相对误差",
            "目标：中位数 ≤ 25 %",
        ],
        "fit_row": "拟合这些测量点，留一法：每个点都用其余各点拟合出的常数来预测",
        "gpu_fit_row": "主机每步的开销拟合这些测量点（1 个常数），留一法；设备一侧用{device}",
        "device_measured": "这块 GPU 上实测的常数",
        "device_published": "公开数据（预测值，未经实测）",
        "measured_row": "工具实测的常数：`{file}`",
        "legacy_row": "较早版本的工具实测的常数：`{file}`",
        "pending_row": "尚未测量：在这台机器上运行 `{command}`",
        "gpu_pending": "GPU：这台机器没有 GPU 测量结果；GPU 的曲线只是预测值，用的是 {name} 的公开数据"
        "（见常数表）。有了在 GPU 上测得的网格和常数之后，这里会出现同样的验证。",
        "gpu_host": "在 {machine} 上，CUDA 上一步训练的主机开销（拟合 GPU 的测量点）是 {host}；"
        "用工具实测的常数，模型给出的是 {model_host}（t_python + N·t_op + K·t_launch，"
        "其中 t_launch = {t_launch} 是单独测一个算子得到的）。把差额分摊到 K = {k} 个启动核函数的算子上，"
        "每个算子多出 {extra}：在真实的训练步里，CUDA 上每个算子占用主机的时间远多于单独测它的时候。",
        "gpu_per_op": "同一台机器上的开销测量（`{file}`）也是这样：一轮训练折合每个 ATen 算子，"
        "CUDA 上 {cuda}，CPU 上 {cpu}。",
        "gpu_no_constants": "GPU：网格已测量，但还没有在这块 GPU 上测得的常数；"
        "运行 `{command}` 后再生成图表。",
        "met": "达到",
        "missed": "未达到",
        "points": [
            "设备",
            "来源",
            "批大小",
            "隐藏层宽度",
            "实测（中位数）",
            "拟合（全部点）",
            "留一法预测",
            "实测常数预测",
        ],
        "grid": "网格",
        "race": "比赛（原始循环）",
        "plot_alt": "对数刻度折线图：{machine} 上每轮用时随批大小的变化，点是实测值，实线是 CPU 模型，"
        "虚线是 GPU 模型",
        "title": "每轮用时：实测（点）与模型（线）",
        "x": "批大小（样本数，对数刻度）",
        "y": "每轮用时（毫秒，对数刻度）",
        "cpu_measured": "CPU 实测，隐藏层 {h}",
        "cpu_model": "CPU 模型，隐藏层 {h}",
        "gpu_measured": "GPU 实测，隐藏层 {h}",
        "gpu_model": "GPU 模型，隐藏层 {h}",
        "plot_note": "CPU 模型：{cpu_src}；GPU 预测：{gpu_src}，主机就是这台机器的 CPU（预测值，未经实测）",
        "plot_note_gpu": "CPU 模型：{cpu_src}；GPU 模型：{gpu_src}",
        "src_fit": "拟合本图的测量点得到的常数",
        "src_measured": "工具在这台机器上实测的常数",
        "src_gpu_fit": "主机每步的开销拟合本图的 GPU 测量点，设备一侧用 {name} 上实测的常数",
        "const_head": ["常数", "含义", "取值", "来源"],
        "fit_consts": "**从网格拟合的 CPU 常数**（{machine}；t_op 取自 `{file}` 的 "
        "`launch.cpu.trivial_op_s`，R_flop 取自 `{race}` 的矩阵乘法测量）",
        "measured_consts": "**工具实测的 CPU 常数**（`{file}`）",
        "legacy_consts": "**较早版本的工具实测的 CPU 常数**（`{file}`）",
        "gpu_consts": "**GPU 常数：{name}**（公开数据，不是本站的测量；`--gpu-constants {key}`）",
        "gpu_measured_consts": "**GPU 常数：在 {name} 上实测**（`{file}`）",
        "gpu_fit_consts": "**从 GPU 网格拟合的主机开销**（{machine}）",
        "no_measured": "工具实测的常数：尚未提交。在安静的机器上运行 `{command}`。",
        "t_fixed": "每步的固定开销：t_python + N·t_op",
        "t_python": "每步在算子之外的 Python 与框架开销",
        "t_op": "分派一个算子",
        "R_small": "小于分界时的内存吞吐量",
        "R_big": "大于分界时的内存吞吐量",
        "break": "分界（单个算子搬运的字节数）",
        "rowwise": "逐行算子（softmax 与损失）的吞吐量",
        "R_flop": "矩阵乘法吞吐量",
        "R_alone_legacy": "单独测 relu 的内存吞吐量（按大小）",
        "t_launch": "主机启动一个核函数的额外开销",
        "t_kernel_min": "一个核函数占用 GPU 的最短时间",
        "t_sync": "一次 .item() 的往返",
        "flops_per_s": "FP32 浮点运算吞吐量",
        "bytes_per_s": "显存带宽",
        "h2d_latency": "主机→设备拷贝的固定开销",
        "d2h_latency": "设备→主机拷贝的固定开销",
        "h2d_bytes_per_s": "主机→设备带宽",
        "d2h_bytes_per_s": "设备→主机带宽",
        "host_step": "CUDA 上一步训练的主机开销",
        "t_launch_step": "折合每个启动核函数的算子的额外主机开销",
        "fit_src": "拟合",
        "measured_src": "测量",
        "file_src": "`{file}`",
        "t_launch_fit_src": "（主机开销 − t_python − N·t_op）÷ K，t_python 与 t_op 取 CPU 的拟合值",
        "steps_src": "拟合 {n} 个真实训练步",
        "R_alone": "单独测 relu 的内存吞吐量（按大小）",
        "pred_head": [
            "CPU 常数",
            "GPU 常数",
            "隐藏层宽度",
            "交叉点：批大小",
            "交叉点：每步浮点运算次数",
            "交叉点：CPU 每步的计算与访存",
        ],
        "pred_iris": "Iris（批大小 120，隐藏层 10）每轮：CPU {cpu}，GPU {gpu}（{label}）。",
        "pred_none": "在批大小 {top} 以内 GPU 都不占优",
        "predicted": "预测值，未经实测",
        "pred_intro": "**{machine}** 的 CPU 对比 {gpu}：",
        "cross_intro": "**{machine}**：网格上实测的交叉点与模型的预测。网格的批大小相差 10 倍，"
        "所以实测只能确定交叉点落在哪个区间：在区间的上端 GPU 已经更快，在下端还是 CPU 更快。",
        "cross_head": [
            "隐藏层宽度",
            "实测：交叉点所在区间（批大小）",
            "预测：工具实测的常数",
            "预测：拟合本机测量点的常数",
        ],
        "cross_range": "{low} – {high}",
        "cross_never": "网格内 GPU 都不占优（至 {top}）",
        "cross_first": "≤ {high}（最小的网格点已是 GPU 更快）",
        "cross_iris": "Iris（批大小 120，隐藏层 10）每轮实测（原始循环，中位数，四分位距）：CPU {cpu}，"
        "GPU {gpu}；模型：工具实测的常数给出 CPU {cpu_tool}、GPU {gpu_tool}，"
        "拟合的常数给出 CPU {cpu_fit}、GPU {gpu_fit}。",
        "iqr": "{median}（{low}–{high}）",
        "inside": "在区间内",
        "outside": "在区间外",
    },
    "en": {
        "none": "No grid measurement (`results/overheads-*.json`) is committed yet, so the model cannot be "
        "validated.",
        "stamp": "*Measured on: {cpu} ({cores} physical cores, {logical} logical CPUs, PyTorch using "
        "{threads} threads); GPU: {gpu}; torch {torch}; date: {date}; data: {files}*",
        "no_gpu": "none",
        "quick": " (includes a provisional `--quick` result: do not cite it)",
        "other_cpu": "**Note**: `{file}` was measured on a different CPU ({cpu}) than the grid, so this "
        "row's error says nothing about the model.",
        "legacy": "`{file}` was measured by an older version of the tool, before it fitted its CPU constants "
        "to real training steps (R_mem is relu timed alone, t_python comes from one step).",
        "summary": [
            "device",
            "where the model's constants come from",
            "points",
            "median relative error",
            "worst relative error",
            "goal: median ≤ 25 %",
        ],
        "fit_row": "fitted to these points, leave-one-out: each point predicted with constants fitted to "
        "the others",
        "gpu_fit_row": "the host's cost per step fitted to these points (one constant), leave-one-out; the "
        "device side from {device}",
        "device_measured": "the constants measured on this GPU",
        "device_published": "published figures (predicted, not measured)",
        "measured_row": "constants the tool measured: `{file}`",
        "legacy_row": "constants an older version of the tool measured: `{file}`",
        "pending_row": "not measured yet: run `{command}` on this machine",
        "gpu_pending": "GPU: this machine has no GPU measurement; the GPU curves are predictions from the "
        "published figures for the {name} (see the constants table). Once a grid and "
        "constants measured on a GPU exist, the same validation appears here.",
        "gpu_host": "On {machine}, a training step on CUDA costs the host {host} (fitted to the GPU points); "
        "with the constants the tool measured, the model puts it at {model_host} (t_python + N·t_op + "
        "K·t_launch, where t_launch = {t_launch} comes from one op timed alone). Spread over the K = {k} "
        "kernel-launching ops, the difference is {extra} per op: in a real training step each op keeps the "
        "host busy far longer on CUDA than when it is timed alone.",
        "gpu_per_op": "The overheads measured on the same machine (`{file}`) agree: per ATen op, an epoch "
        "costs {cuda} on CUDA and {cpu} on the CPU.",
        "gpu_no_constants": "GPU: the grid is measured, but no constants measured on this GPU are committed; "
        "run `{command}`, then regenerate the figures.",
        "met": "met",
        "missed": "missed",
        "points": [
            "device",
            "source",
            "batch size",
            "hidden width",
            "measured (median)",
            "fitted (all points)",
            "leave-one-out prediction",
            "prediction from measured constants",
        ],
        "grid": "grid",
        "race": "race (seed loop)",
        "plot_alt": "Log-log line chart: time per epoch against batch size on {machine}; dots are "
        "measurements, solid lines the CPU model, dashed lines the GPU model",
        "title": "Time per epoch: measured (dots) and model (lines)",
        "x": "batch size (samples, log scale)",
        "y": "time per epoch (ms, log scale)",
        "cpu_measured": "CPU measured, hidden {h}",
        "cpu_model": "CPU model, hidden {h}",
        "gpu_measured": "GPU measured, hidden {h}",
        "gpu_model": "GPU model, hidden {h}",
        "plot_note": "CPU model: {cpu_src}; GPU prediction: {gpu_src}, with this machine's CPU as the host "
        "(predicted, not measured)",
        "plot_note_gpu": "CPU model: {cpu_src}; GPU model: {gpu_src}",
        "src_fit": "constants fitted to the points shown",
        "src_measured": "constants the tool measured here",
        "src_gpu_fit": "the host's cost per step fitted to the GPU points shown, the device side from the "
        "constants measured on the {name}",
        "const_head": ["constant", "meaning", "value", "source"],
        "fit_consts": "**CPU constants fitted to the grid** ({machine}; t_op is `launch.cpu.trivial_op_s` "
        "from `{file}`, R_flop the matrix-multiply measurement in `{race}`)",
        "measured_consts": "**CPU constants measured by the tool** (`{file}`)",
        "legacy_consts": "**CPU constants measured by an older version of the tool** (`{file}`)",
        "gpu_consts": "**GPU constants: {name}** (published figures, not measured by this site; "
        "`--gpu-constants {key}`)",
        "gpu_measured_consts": "**GPU constants measured on {name}** (`{file}`)",
        "gpu_fit_consts": "**The host's cost fitted to the GPU grid** ({machine})",
        "no_measured": "Constants measured by the tool: not committed yet. Run `{command}` on a quiet "
        "machine.",
        "t_fixed": "fixed cost per step: t_python + N·t_op",
        "t_python": "Python and framework work per step, outside the ops",
        "t_op": "dispatching one op",
        "R_small": "memory throughput below the break",
        "R_big": "memory throughput above the break",
        "break": "break (bytes one op moves)",
        "rowwise": "throughput of the row-wise ops (softmax and loss)",
        "R_flop": "matrix-multiply throughput",
        "R_alone_legacy": "memory throughput of relu alone (by size)",
        "t_launch": "extra host cost of launching one kernel",
        "t_kernel_min": "shortest time a kernel occupies the GPU",
        "t_sync": "round trip of one .item()",
        "flops_per_s": "FP32 arithmetic throughput",
        "bytes_per_s": "device-memory bandwidth",
        "h2d_latency": "fixed cost of a host→device copy",
        "d2h_latency": "fixed cost of a device→host copy",
        "h2d_bytes_per_s": "host→device bandwidth",
        "d2h_bytes_per_s": "device→host bandwidth",
        "host_step": "the host's cost of one training step on CUDA",
        "t_launch_step": "the same, as an extra host cost per kernel-launching op",
        "fit_src": "fitted",
        "measured_src": "measured",
        "file_src": "`{file}`",
        "t_launch_fit_src": "(host cost − t_python − N·t_op) ÷ K, with the CPU's fitted t_python and t_op",
        "steps_src": "fitted to {n} real training steps",
        "R_alone": "memory throughput of relu alone (by size)",
        "pred_head": [
            "CPU constants",
            "GPU constants",
            "hidden width",
            "crossover: batch size",
            "crossover: flops per step",
            "crossover: the CPU's work per step",
        ],
        "pred_iris": "Iris (batch 120, hidden 10) per epoch: CPU {cpu}, GPU {gpu} ({label}).",
        "pred_none": "the GPU does not win up to batch {top}",
        "predicted": "predicted, not measured",
        "pred_intro": "The CPU of **{machine}** against the {gpu}:",
        "cross_intro": "**{machine}**: the crossover measured on the grid, and the model's prediction. "
        "The grid's batch sizes are a factor of 10 apart, so the measurement only brackets the crossover: "
        "at the top of the range the GPU is already faster, at the bottom the CPU still is.",
        "cross_head": [
            "hidden width",
            "measured: crossover between batch sizes",
            "predicted: constants the tool measured",
            "predicted: constants fitted to this machine's points",
        ],
        "cross_range": "{low} – {high}",
        "cross_never": "the GPU never wins on the grid (up to {top})",
        "cross_first": "≤ {high} (the GPU is faster at the smallest grid point)",
        "cross_iris": "Iris (batch 120, hidden 10) per epoch, measured (seed loop, median, interquartile "
        "range): CPU {cpu}, GPU {gpu}; the model: with the tool's constants CPU {cpu_tool}, GPU "
        "{gpu_tool}; with the fitted constants CPU {cpu_fit}, GPU {gpu_fit}.",
        "iqr": "{median} ({low}–{high})",
        "inside": "inside the range",
        "outside": "outside the range",
    },
}


# ---------------------------------------------------------------- formatting
def fmt_time(seconds: float) -> str:
    return model.fmt_seconds(seconds)


def group(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def pct(value: float) -> str:
    return f"{value:.0%}".replace("%", " %")


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def measured(part) -> bool:
    return isinstance(part, list) or (isinstance(part, dict) and "not_measured" not in part)


def legacy(constants: dict) -> bool:
    """A crossover file from before the tool fitted its CPU constants to training steps."""
    return "fit" not in constants["results"]["cpu"]


# ---------------------------------------------------------------- what each machine has
def machines(results: list[dict]) -> dict[str, dict]:
    """{machine: {"overheads": result, "crossover": result, "race": {device: result}}} for machines with a
    grid. A race file belongs to a machine by its name: race-<machine>.json or
    race-<device>-<machine>.json."""
    grids = {
        Path(r["file"]).stem.removeprefix("overheads-") for r in results if r.get("benchmark") == "overheads"
    }
    found: dict[str, dict] = {name: {"race": {}} for name in grids}
    for result in results:
        kind, stem = result.get("benchmark"), Path(result["file"]).stem
        if kind in ("overheads", NAME):
            name = stem.removeprefix(f"{kind}-")
            if name in found:
                found[name][kind] = result
        elif kind == "race":
            name = stem.removeprefix("race-")
            device = result["results"]["device"]
            if name not in found and name.removeprefix(f"{device}-") in found:
                name = name.removeprefix(f"{device}-")
            if name in found:
                found[name]["race"][device] = result
    return dict(sorted(found.items()))


# ---------------------------------------------------------------- measured points
def points(sets: dict, device: str) -> list[dict]:
    """(batch, hidden, seconds per epoch) measured on one device: the grid, then the race's seed loop."""
    found = []
    grid = sets["overheads"]["results"]["underuse"]
    if measured(grid.get(device)):
        for i, batch in enumerate(grid["batch_sizes"]):
            for j, hidden in enumerate(grid["hidden_widths"]):
                found.append(
                    {"source": "grid", "batch": batch, "hidden": hidden, "seconds": grid[device][i][j]}
                )
    race = sets["race"].get(device)
    seed = next((r for r in race["results"]["recipes"] if r["name"] == "seed"), None) if race else None
    if seed:
        found.append(
            {
                "source": "race",
                "batch": race["results"]["samples"],
                "hidden": model.IRIS["hidden"],
                "seconds": seed["us_per_epoch"] * 1e-6,
                "chunk_us": seed.get("chunk_us"),
            }
        )
    return found


# ---------------------------------------------------------------- fitting the CPU constants
def fit_cpu(pts: list[dict], t_op: float, flops_per_s: float) -> dict:
    """CPU constants fitted to measured points, by the tool's own fit."""
    steps = [(model.step_for(p["batch"], p["hidden"]), p["seconds"]) for p in pts]
    fitted = model.fit_cpu(steps, t_op, [[1.0, flops_per_s], [1e15, flops_per_s]])
    if fitted is None:
        raise ValueError("no fit with positive constants")
    return fitted


def predict_cpu(pts: list[dict], cpu: dict) -> list[float]:
    return [model.cpu_step_seconds(model.step_for(p["batch"], p["hidden"]), cpu) for p in pts]


def leave_one_out(pts: list[dict], t_op: float, flops_per_s: float) -> list[float]:
    return [
        predict_cpu([p], fit_cpu(pts[:i] + pts[i + 1 :], t_op, flops_per_s))[0] for i, p in enumerate(pts)
    ]


def errors(predicted: list[float], pts: list[dict]) -> dict:
    rel = [abs(p / q["seconds"] - 1) for p, q in zip(predicted, pts, strict=True)]
    return {"median": statistics.median(rel), "worst": max(rel), "points": len(rel)}


# ---------------------------------------------------------------- fitting the GPU's host cost
def gpu_device_seconds(point: dict, gpu: dict) -> float:
    """The device side of one CUDA step at this shape: the kernels' time from the GPU constants."""
    step = model.step_for(point["batch"], point["hidden"], "cuda")
    return model.gpu_terms(step, {"t_python": 0.0, "t_op": 0.0}, gpu)["device"]


def fit_gpu_host(pts: list[dict], gpu: dict) -> float:
    """The host's cost of one CUDA step, H, that makes T = max(H, device) + t_sync closest to the points
    (least squares of the relative error; H searched on a fine logarithmic grid: the same digits on
    every machine)."""
    device = [gpu_device_seconds(p, gpu) for p in pts]
    low, high = min(p["seconds"] for p in pts) / 10, max(p["seconds"] for p in pts)
    best = None
    for q in range(2001):
        host = low * (high / low) ** (q / 2000)
        score = sum(
            ((max(host, d) + gpu["t_sync"]) / p["seconds"] - 1) ** 2 for p, d in zip(pts, device, strict=True)
        )
        if best is None or score < best[0]:
            best = (score, host)
    return best[1]


def with_host(cpu: dict, gpu: dict, host: float) -> dict:
    """GPU constants whose t_launch makes the model's host side of a CUDA step equal `host`, the CPU's
    t_python and t_op unchanged: the fitted host cost as an effective extra per kernel-launching op."""
    step = model.step_for(model.IRIS["batch"], model.IRIS["hidden"], "cuda")
    return {**gpu, "t_launch": (host - cpu["t_python"] - step.n * cpu["t_op"]) / step.k}


def predict_gpu(pts: list[dict], cpu: dict, gpu: dict) -> list[float]:
    return [model.gpu_step_seconds(model.step_for(p["batch"], p["hidden"], "cuda"), cpu, gpu) for p in pts]


# ---------------------------------------------------------------- the crossover measured on the grid
def measured_crossover(grid: dict) -> list[dict]:
    """Per hidden width: the grid batch from which the GPU stays faster, and the one before it."""
    batches, found = grid["batch_sizes"], []
    for column, hidden in enumerate(grid["hidden_widths"]):
        first = None
        for row in reversed(range(len(batches))):
            if grid["cuda"][row][column] < grid["cpu"][row][column]:
                first = row
            else:
                break
        found.append(
            {
                "hidden": hidden,
                "high": batches[first] if first is not None else None,
                "low": batches[first - 1] if first else None,
            }
        )
    return found


def analyse(sets: dict) -> dict:
    """Everything the fragments and the plot show for one machine."""
    overheads = sets["overheads"]
    t_op = overheads["results"]["launch"]["cpu"]["trivial_op_s"]
    cpu_race = sets["race"].get("cpu")
    flops_per_s = 2 * cpu_race["results"]["arithmetic"]["macs_per_s"] if cpu_race else 1e11
    cpu_pts = points(sets, "cpu")
    fitted = fit_cpu(cpu_pts, t_op, flops_per_s)
    out = {
        "cpu_points": cpu_pts,
        "fitted": fitted,
        "fitted_pred": predict_cpu(cpu_pts, fitted),
        "loo_pred": leave_one_out(cpu_pts, t_op, flops_per_s),
        "gpu_points": points(sets, "cuda"),
    }
    out["loo"] = errors(out["loo_pred"], cpu_pts)
    constants = sets.get(NAME)
    gpu_measured = bool(constants and constants["results"]["gpu"].get("measured"))
    out["gpu_measured"] = gpu_measured
    device_gpu = constants["results"]["gpu"] if gpu_measured else model.GPU_CONSTANTS[GPU_SET]
    if constants:
        const = constants["results"]
        out["measured"] = const
        out["legacy"] = legacy(constants)
        out["measured_pred"] = predict_cpu(cpu_pts, const["cpu"])
        out["measured_err"] = errors(out["measured_pred"], cpu_pts)
        out["other_cpu"] = constants["stamp"].get("cpu") != overheads["stamp"].get("cpu")
        if out["gpu_points"] and gpu_measured:
            out["gpu_pred"] = predict_gpu(out["gpu_points"], const["cpu"], const["gpu"])
            out["gpu_err"] = errors(out["gpu_pred"], out["gpu_points"])
    gpu_pts = out["gpu_points"]
    if gpu_pts:
        host = fit_gpu_host(gpu_pts, device_gpu)
        out["gpu_host"] = host
        out["gpu_fitted"] = with_host(fitted, device_gpu, host)
        out["gpu_fitted_pred"] = predict_gpu(gpu_pts, fitted, out["gpu_fitted"])
        out["gpu_loo_pred"] = [
            predict_gpu(
                [p],
                fitted,
                with_host(fitted, device_gpu, fit_gpu_host(gpu_pts[:i] + gpu_pts[i + 1 :], device_gpu)),
            )[0]
            for i, p in enumerate(gpu_pts)
        ]
        out["gpu_loo"] = errors(out["gpu_loo_pred"], gpu_pts)
        grid = overheads["results"]["underuse"]
        out["measured_crossover"] = measured_crossover(grid) if measured(grid.get("cuda")) else None
    # The constants the page's curves and crossover use: the tool's where they exist (and come from the
    # current tool and this CPU), else the fit; on the GPU side the fitted host cost where GPU points exist.
    use_measured = constants and not out["legacy"] and not out["other_cpu"]
    out["cpu"] = out["measured"]["cpu"] if use_measured else fitted
    out["gpu"] = out["gpu_fitted"] if gpu_pts else device_gpu
    widths = overheads["results"]["underuse"]["hidden_widths"]
    out["crossover"] = [model.crossover(h, out["cpu"], out["gpu"]) for h in widths]
    if constants and gpu_measured:
        out["crossover_tool"] = [
            model.crossover(h, constants["results"]["cpu"], constants["results"]["gpu"]) for h in widths
        ]
    batch, hidden = model.IRIS["batch"], model.IRIS["hidden"]
    out["iris_cpu"] = model.cpu_step_seconds(model.step_for(batch, hidden), out["cpu"])
    out["iris_gpu"] = model.gpu_step_seconds(model.step_for(batch, hidden, "cuda"), out["cpu"], out["gpu"])
    return out


# ---------------------------------------------------------------- fragments
def stamp_line(sets: dict, lang: str) -> str:
    t, result = TEXT[lang], sets["overheads"]
    s = result["stamp"]
    files = [sets["overheads"]["file"], *(r["file"] for r in sets["race"].values())]
    files += [sets[NAME]["file"]] if NAME in sets else []
    shown = ("、" if lang == "zh" else ", ").join(f"`{f}`" for f in files)
    line = t["stamp"].format(
        cpu=s.get("cpu"),
        cores=s.get("physical_cores"),
        logical=s.get("logical_cpus"),
        threads=s.get("torch_threads"),
        gpu=s.get("gpu") or t["no_gpu"],
        torch=s.get("torch"),
        date=s.get("date"),
        files=shown,
    )
    everything = [sets["overheads"], *sets["race"].values(), *([sets[NAME]] if NAME in sets else [])]
    if any(r.get("quick") for r in everything):
        line += t["quick"]
    return line


def validation_fragment(name: str, sets: dict, a: dict, lang: str) -> str:
    t = TEXT[lang]
    goal = lambda e: t["met"] if e["median"] <= GOAL else t["missed"]  # noqa: E731
    row = lambda device, what, e: [device, what, e["points"], pct(e["median"]), pct(e["worst"]), goal(e)]  # noqa: E731
    rows = [row("CPU", t["fit_row"], a["loo"])]
    command = TOOL_COMMAND.format(machine=name)
    if "measured" in a:
        file = sets[NAME]["file"]
        rows.append(
            row(
                "CPU", t["legacy_row" if a["legacy"] else "measured_row"].format(file=file), a["measured_err"]
            )
        )
    else:
        rows.append(["CPU", t["pending_row"].format(command=command), "–", "–", "–", "–"])
    if "gpu_loo" in a:
        device = t["device_measured" if a["gpu_measured"] else "device_published"]
        rows.append(row("GPU", t["gpu_fit_row"].format(device=device), a["gpu_loo"]))
    if "gpu_err" in a:
        file = sets[NAME]["file"]
        rows.append(
            row("GPU", t["legacy_row" if a["legacy"] else "measured_row"].format(file=file), a["gpu_err"])
        )
    parts = [stamp_line(sets, lang), table(t["summary"], rows)]
    if a.get("legacy"):
        parts.append(t["legacy"].format(file=sets[NAME]["file"]))
    if a.get("other_cpu"):
        parts.append(t["other_cpu"].format(file=sets[NAME]["file"], cpu=sets[NAME]["stamp"].get("cpu")))
    if not a["gpu_points"]:
        parts.append(t["gpu_pending"].format(name=gpu_name(model.GPU_CONSTANTS[GPU_SET], lang)))
    elif "gpu_err" not in a:
        parts.append(t["gpu_no_constants"].format(command=command))
    if "gpu_err" in a:
        parts.append(gpu_host_sentence(name, sets, a, lang))
    parts.append(f"![{t['plot_alt'].format(machine=name)}](assets/plots/{NAME}-{name}.svg)")
    detail = []
    for i, p in enumerate(a["cpu_points"]):
        detail.append(
            [
                "CPU",
                t[p["source"]],
                group(p["batch"]),
                group(p["hidden"]),
                fmt_time(p["seconds"]),
                fmt_time(a["fitted_pred"][i]),
                fmt_time(a["loo_pred"][i]),
                fmt_time(a["measured_pred"][i]) if "measured" in a else "–",
            ]
        )
    for i, p in enumerate(a["gpu_points"]):
        detail.append(
            [
                "GPU",
                t[p["source"]],
                group(p["batch"]),
                group(p["hidden"]),
                fmt_time(p["seconds"]),
                fmt_time(a["gpu_fitted_pred"][i]),
                fmt_time(a["gpu_loo_pred"][i]),
                fmt_time(a["gpu_pred"][i]) if "gpu_pred" in a else "–",
            ]
        )
    parts.append(table(t["points"], detail))
    return "\n\n".join(parts)


def gpu_host_sentence(name: str, sets: dict, a: dict, lang: str) -> str:
    """What the GPU validation found, in numbers: the host's cost of a CUDA step, fitted, against the
    model's estimate from the tool's constants; and the overheads' per-op times on both devices."""
    t, const = TEXT[lang], a["measured"]
    step = model.step_for(model.IRIS["batch"], model.IRIS["hidden"], "cuda")
    model_host = model.gpu_terms(step, const["cpu"], const["gpu"])["host"]
    text = t["gpu_host"].format(
        machine=name,
        host=fmt_time(a["gpu_host"]),
        model_host=fmt_time(model_host),
        k=step.k,
        t_launch=fmt_time(const["gpu"]["t_launch"]),
        extra=fmt_time((a["gpu_host"] - model_host) / step.k),
    )
    launch = sets["overheads"]["results"]["launch"]
    if measured(launch.get("cuda")) and "epoch_s_per_aten_op" in launch["cuda"]:
        text += ("" if lang == "zh" else " ") + t["gpu_per_op"].format(
            file=sets["overheads"]["file"],
            cuda=fmt_time(launch["cuda"]["epoch_s_per_aten_op"]),
            cpu=fmt_time(launch["cpu"]["epoch_s_per_aten_op"]),
        )
    return text


def _constant_rows(constants: dict, keys: list[str], lang: str, source) -> list[list[str]]:
    t, rows = TEXT[lang], []
    for key in keys:
        value = constants[key]
        shown = (
            fmt_time(value)
            if key.startswith("t_") or key.endswith("latency")
            else model.fmt_rate(value, "FLOP" if key.startswith("flops") else "B")
        )
        rows.append([f"`{key}`", t[key], shown, source(key)])
    return rows


GPU_KEYS = [
    "t_launch",
    "t_kernel_min",
    "t_sync",
    "flops_per_s",
    "bytes_per_s",
    "h2d_latency",
    "h2d_bytes_per_s",
    "d2h_latency",
    "d2h_bytes_per_s",
]


def constants_fragment(name: str, sets: dict, a: dict, lang: str) -> str:
    t = TEXT[lang]
    f = a["fitted"]
    fit_rows = [
        ["`t_fixed`", t["t_fixed"], fmt_time(f["fit"]["t_fixed"]), t["fit_src"]],
        ["`t_op`", t["t_op"], fmt_time(f["t_op"]), t["measured_src"]],
        ["`t_python`", t["t_python"], fmt_time(f["t_python"]), "t_fixed − N·t_op"],
        ["`R_mem`", t["R_small"], model.fmt_rate(f["fit"]["r_small"], "B"), t["fit_src"]],
        ["`R_mem`", t["R_big"], model.fmt_rate(f["fit"]["r_big"], "B"), t["fit_src"]],
        ["", t["break"], model.fmt_bytes(f["fit"]["break_bytes"]), t["fit_src"]],
        ["`R_rowwise`", t["rowwise"], model.fmt_rate(f["rowwise"], "B"), t["fit_src"]],
        ["`R_flop`", t["R_flop"], model.fmt_rate(f["matmul"][0][1], "FLOP"), t["measured_src"]],
    ]
    race = sets["race"].get("cpu")
    parts = [
        stamp_line(sets, lang),
        t["fit_consts"].format(
            machine=name, file=sets["overheads"]["file"], race=race["file"] if race else "–"
        ),
        table(t["const_head"], fit_rows),
    ]
    if "measured" in a:
        c, file = a["measured"]["cpu"], sets[NAME]["file"]
        mm = c["matmul"]
        rows = [
            ["`t_op`", t["t_op"], fmt_time(c["t_op"]), t["measured_src"]],
            [
                "`R_flop`",
                t["R_flop"],
                f"{model.fmt_rate(mm[0][1], 'FLOP')} … {model.fmt_rate(mm[-1][1], 'FLOP')}",
                t["measured_src"],
            ],
        ]
        if a["legacy"]:
            memory = c["memory"]
            rows += [
                ["`t_python`", t["t_python"], fmt_time(c["t_python"]), t["measured_src"]],
                [
                    "`R_mem`",
                    t["R_alone_legacy"],
                    f"{model.fmt_rate(memory[0][1], 'B')} … {model.fmt_rate(memory[-1][1], 'B')}",
                    t["measured_src"],
                ],
                ["`R_rowwise`", t["rowwise"], model.fmt_rate(c["rowwise"], "B"), t["measured_src"]],
            ]
            parts += [t["legacy_consts"].format(file=file), table(t["const_head"], rows)]
        else:
            alone = c["alone"]["memory"]
            steps = t["steps_src"].format(n=len(c["calibration"]))
            rows.append(
                [
                    "`R_alone`",
                    t["R_alone"],
                    f"{model.fmt_rate(alone[0][1], 'B')} … {model.fmt_rate(alone[-1][1], 'B')}",
                    t["measured_src"],
                ]
            )
            if c.get("fit"):
                rows += [
                    ["`t_fixed`", t["t_fixed"], fmt_time(c["fit"]["t_fixed"]), steps],
                    ["`t_python`", t["t_python"], fmt_time(c["t_python"]), "t_fixed − N·t_op"],
                    ["`R_mem`", t["R_small"], model.fmt_rate(c["fit"]["r_small"], "B"), steps],
                    ["`R_mem`", t["R_big"], model.fmt_rate(c["fit"]["r_big"], "B"), steps],
                    ["", t["break"], model.fmt_bytes(c["fit"]["break_bytes"]), steps],
                ]
            rows.append(
                [
                    "`R_rowwise`",
                    t["rowwise"],
                    model.fmt_rate(c["rowwise"], "B"),
                    steps if c.get("fit") else t["measured_src"],
                ]
            )
            parts += [t["measured_consts"].format(file=file), table(t["const_head"], rows)]
    else:
        parts.append(t["no_measured"].format(command=TOOL_COMMAND.format(machine=name)))
    if a["gpu_measured"]:
        g = a["measured"]["gpu"]
        parts += [
            t["gpu_measured_consts"].format(name=g["name"], file=sets[NAME]["file"]),
            table(t["const_head"], _constant_rows(g, GPU_KEYS, lang, lambda _k: t["measured_src"])),
        ]
    if "gpu_host" in a:
        rows = [
            ["", t["host_step"], fmt_time(a["gpu_host"]), t["fit_src"]],
            ["`t_launch`", t["t_launch_step"], fmt_time(a["gpu_fitted"]["t_launch"]), t["t_launch_fit_src"]],
        ]
        parts += [t["gpu_fit_consts"].format(machine=name), table(t["const_head"], rows)]
    return "\n\n".join(parts)


def gpu_constants_fragment(lang: str) -> str:
    """The published constant set, with its sources: the same for every machine."""
    t, g = TEXT[lang], model.GPU_CONSTANTS[GPU_SET]
    rows = _constant_rows(g, GPU_KEYS, lang, lambda k: source_cell(k, g["sources"][k], lang))
    return t["gpu_consts"].format(name=gpu_name(g, lang), key=GPU_SET) + "\n\n" + table(t["const_head"], rows)


SOURCE_NOTES_ZH = {
    "t_launch": "一个启动核函数的算子，主机比同一算子在 CPU 上多花的时间。公开的跟踪数据："
    "每次 cuLaunchKernel 约 3.5 µs；一份 PyTorch 性能剖析中，每次 cuLaunchKernel 约 4.8 µs、"
    "cudaLaunchKernel 约 6.5 µs",
    "t_kernel_min": "几乎无事可做的核函数连续执行时，每个仍要占用设备几微秒",
    "t_sync": "一次 loss.item()：从设备拷回 4 个字节并等待；一次单独的测量中最快约 9 µs，只做一次同步约 3 µs",
    "h2d_latency": "一次拷贝的固定开销，与 t_sync 同一量级",
    "d2h_latency": "同 h2d_latency",
    "h2d_bytes_per_s": "PCIe Gen5 x16 理论上每个方向 64 GB/s（双向 128 GB/s）；nvbandwidth 在一块 H100 上"
    "测得 35～53 GB/s",
    "d2h_bytes_per_s": "同 h2d_bytes_per_s",
}
URL = re.compile(r"https://[^\s),;]+")


def source_cell(key: str, text: str, lang: str) -> str:
    """A published figure's source note in this language, its addresses as links."""
    links = [f"<{url}>" for url in URL.findall(text)]
    if lang == "zh":
        note = SOURCE_NOTES_ZH.get(key) or text.split(" (")[0].replace(", ", "，")
        return note + ("：" + "、".join(links) if links else "")
    note = re.sub(r"\s*\(https://[^)]*\)", "", text)
    return note + (": " + ", ".join(links) if links else "")


def gpu_name(gpu: dict, lang: str) -> str:
    return model.gpu_name(gpu, lang)


def _spread(point: dict, lang: str) -> str:
    """A race's seed loop: the median per epoch and the interquartile range of its turns."""
    from benchmarks.stats import iqr

    chunks = point.get("chunk_us") or []
    if len(chunks) < 2:
        return fmt_time(point["seconds"])
    low, high = iqr(chunks)
    return TEXT[lang]["iqr"].format(
        median=fmt_time(point["seconds"]), low=fmt_time(low * 1e-6), high=fmt_time(high * 1e-6)
    )


def crossover_cell(p: dict, lang: str) -> str:
    return (
        group(p["batch"])
        if p["batch"] is not None
        else TEXT[lang]["pred_none"].format(top=group(model.TOP_BATCH))
    )


def measured_crossover_fragment(name: str, a: dict, lang: str) -> str:
    t = TEXT[lang]
    rows = []
    tool = a.get("crossover_tool") or [None] * len(a["crossover"])
    for seen, fitted, by_tool in zip(a["measured_crossover"], a["crossover"], tool, strict=True):
        if seen["high"] is None:
            cell = t["cross_never"].format(top=group(a["gpu_points"][-1]["batch"]))
        elif seen["low"] is None:
            cell = t["cross_first"].format(high=group(seen["high"]))
        else:
            cell = t["cross_range"].format(low=group(seen["low"]), high=group(seen["high"]))

        def judged(p, seen=seen):
            if p is None:
                return "–"
            inside = (
                p["batch"] is not None
                and seen["high"] is not None
                and (seen["low"] is None or seen["low"] < p["batch"])
                and p["batch"] <= seen["high"]
            )
            return (
                f"{crossover_cell(p, lang)}（{t['inside' if inside else 'outside']}）"
                if lang == "zh"
                else f"{crossover_cell(p, lang)} ({t['inside' if inside else 'outside']})"
            )

        rows.append([group(seen["hidden"]), cell, judged(by_tool), judged(fitted)])
    parts = [t["cross_intro"].format(machine=name), table(t["cross_head"], rows)]
    cpu_seed = next((p for p in a["cpu_points"] if p["source"] == "race"), None)
    gpu_seed = next((p for p in a["gpu_points"] if p["source"] == "race"), None)
    if cpu_seed and gpu_seed and "gpu_pred" in a:
        c = a["measured"]
        iris_cpu, iris_gpu = model.step_for(120, 10), model.step_for(120, 10, "cuda")
        parts.append(
            t["cross_iris"].format(
                cpu=_spread(cpu_seed, lang),
                gpu=_spread(gpu_seed, lang),
                cpu_tool=fmt_time(model.cpu_step_seconds(iris_cpu, c["cpu"])),
                gpu_tool=fmt_time(model.gpu_step_seconds(iris_gpu, c["cpu"], c["gpu"])),
                cpu_fit=fmt_time(model.cpu_step_seconds(iris_cpu, a["fitted"])),
                gpu_fit=fmt_time(model.gpu_step_seconds(iris_gpu, a["fitted"], a["gpu_fitted"])),
            )
        )
    return "\n\n".join(parts)


def prediction_fragment(name: str, sets: dict, a: dict, lang: str) -> str:
    if a.get("measured_crossover"):
        return measured_crossover_fragment(name, a, lang)
    t = TEXT[lang]
    cpu_src = (
        t["measured_src"] + f" (`{sets[NAME]['file']}`)" if a["cpu"] is not a["fitted"] else t["fit_src"]
    )
    gpu_src = gpu_name(a["gpu"], lang)
    label = TEXT[lang]["predicted"]
    rows = []
    for p in a["crossover"]:
        if p["batch"] is None:
            rows.append([cpu_src, gpu_src, group(p["hidden"]), crossover_cell(p, lang), "–", "–"])
        else:
            rows.append(
                [
                    cpu_src,
                    gpu_src,
                    group(p["hidden"]),
                    group(p["batch"]),
                    model.fmt_count(p["flops"]),
                    fmt_time(p["cpu_work_s"]),
                ]
            )
    space = "" if lang == "zh" else " "
    return "\n\n".join(
        [
            t["pred_intro"].format(machine=name, gpu=gpu_src)
            + space
            + t["pred_iris"].format(cpu=fmt_time(a["iris_cpu"]), gpu=fmt_time(a["iris_gpu"]), label=label),
            table(t["pred_head"], rows),
        ]
    )


# ---------------------------------------------------------------- plot
def plot(name: str, sets: dict, a: dict, lang: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    from benchmarks.fonts import cjk_font

    t = TEXT[lang]
    family = ["DejaVu Sans"]
    if lang == "zh":
        cjk = cjk_font()
        if cjk is None:
            raise RuntimeError(
                "no CJK font found for the Chinese plots: install one, e.g. "
                "`apt-get install fonts-wqy-microhei`"
            )
        family = [cjk, "DejaVu Sans"]
    widths = sets["overheads"]["results"]["underuse"]["hidden_widths"]
    batches = sorted({round(2 ** (q / 4)) for q in range(4 * 6, 4 * 18 + 1)})  # 64 .. 262 144
    style = {
        "font.family": family,
        "svg.hashsalt": NAME,
        "svg.fonttype": "path",
        "axes.grid": True,
        "grid.alpha": 0.3,
        "font.size": 9,
        "axes.unicode_minus": False,
    }
    with plt.rc_context(style):
        fig, ax = plt.subplots(figsize=(7.5, 4.6))
        for column, hidden in enumerate(widths):
            colour = f"C{column}"
            cpu_model = [model.cpu_step_seconds(model.step_for(b, hidden), a["cpu"]) * 1e3 for b in batches]
            gpu_model = [
                model.gpu_step_seconds(model.step_for(b, hidden, "cuda"), a["cpu"], a["gpu"]) * 1e3
                for b in batches
            ]
            ax.plot(batches, cpu_model, color=colour, linewidth=1.5, label=t["cpu_model"].format(h=hidden))
            ax.plot(
                batches,
                gpu_model,
                color=colour,
                linewidth=1.2,
                linestyle="--",
                label=t["gpu_model"].format(h=hidden),
            )
            mine = [p for p in a["cpu_points"] if p["hidden"] == hidden]
            ax.plot(
                [p["batch"] for p in mine],
                [p["seconds"] * 1e3 for p in mine],
                "o",
                color=colour,
                markersize=5,
                label=t["cpu_measured"].format(h=hidden),
            )
            theirs = [p for p in a["gpu_points"] if p["hidden"] == hidden]
            if theirs:
                ax.plot(
                    [p["batch"] for p in theirs],
                    [p["seconds"] * 1e3 for p in theirs],
                    "s",
                    color=colour,
                    markerfacecolor="none",
                    markersize=5,
                    label=t["gpu_measured"].format(h=hidden),
                )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: group(int(v)) if v >= 1 else f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(t["x"])
        ax.set_ylabel(t["y"])
        ax.set_title(t["title"])
        ax.legend(fontsize=7, ncol=3, loc="upper left")
        cpu_src = t["src_fit"] if a["cpu"] is a["fitted"] else t["src_measured"]
        if a["gpu_points"]:
            gpu_src = t["src_gpu_fit"].format(name=gpu_name(a["gpu"], lang))
            note = t["plot_note_gpu"].format(cpu_src=cpu_src, gpu_src=gpu_src)
        else:
            note = (t["plot_note_gpu"] if a["gpu_measured"] else t["plot_note"]).format(
                cpu_src=cpu_src, gpu_src=gpu_name(a["gpu"], lang)
            )
        stamp = sets["overheads"]["stamp"]
        fig.text(
            0.01,
            -0.01,
            f"{name}: {stamp.get('cpu')}, torch {stamp.get('torch')}, {stamp.get('date')}. " + note,
            fontsize=6.5,
            ha="left",
            va="top",
            wrap=True,
        )
        fig.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight")
        plt.close(fig)


# ---------------------------------------------------------------- entry point
def make(results: list[dict], plots_dir: Path, tables_dir: Path) -> None:
    found = machines(results)
    analysed = {name: analyse(sets) for name, sets in found.items()}
    written: set[Path] = set()
    for lang in LANGS:
        fragments = {"validation": [], "constants": [], "prediction": []}
        for name, sets in found.items():
            a = analysed[name]
            fragments["validation"].append(validation_fragment(name, sets, a, lang))
            fragments["constants"].append(constants_fragment(name, sets, a, lang))
            fragments["prediction"].append(prediction_fragment(name, sets, a, lang))
            path = plots_dir / f"{NAME}-{name}.{lang}.svg"
            plot(name, sets, a, lang, path)
            written.add(path)
        fragments["constants"].append(gpu_constants_fragment(lang))
        for part, texts in fragments.items():
            body = "\n\n".join(texts) if texts and (found or part == "constants") else TEXT[lang]["none"]
            path = tables_dir / f"{NAME}-{part}.{lang}.md"
            path.write_text(body + "\n", encoding="utf-8")
            written.add(path)
    for folder, pattern in ((plots_dir, f"{NAME}-*.svg"), (tables_dir, f"{NAME}-*.md")):
        for stale in set(folder.glob(pattern)) - written:
            stale.unlink()
