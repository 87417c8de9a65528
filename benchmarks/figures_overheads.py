"""Tables, plots and the figures in prose of the overheads benchmark (`python -m benchmarks.overheads`).

Called by `python -m benchmarks.make_figures` with every parsed results/*.json; uses those whose
"benchmark" is "overheads". Writes, for the chapter "Why a tiny model trains faster on the CPU":

    results/tables/overheads-{transfer,launch,underuse,numpy}.{zh,en}.md   (tables the pages embed)
    results/tables/overheads-{where,findings,verdict}.{zh,en}.md            (sentences with figures)
    docs/assets/plots/overheads-{underuse,transfer}-<machine>.{zh,en}.svg  (one pair per result file)

The plots are localized assets: with `fallback_to_default: false`, mkdocs-static-i18n leaves assets
without a language suffix out of the English build, so a page links `assets/plots/x.svg` and each
language's build serves its own x.<lang>.svg under that name.

Every time is shown as a median with its interquartile range over the rounds, and every comparison
as a ratio with its paired bootstrap 95 % interval (benchmarks/stats.py); an interval that contains
1 reads "no measurable difference". A result file written before the benchmark kept its rounds
(results/overheads-h200.json) holds medians only: its figures say that no spread was recorded.
Every fragment names the machine, versions and date of each result it shows; a GPU part that a
result file does not hold is never shown as a number.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter, NullFormatter

from benchmarks import stats
from benchmarks.fonts import INSTALL_HINT, cjk_font
from snippets.overhead_launch import metadata_only

NAME = "overheads"
LANGS = ("zh", "en")


# ---------------------------------------------------------------- words in both languages
T = {
    "zh": {
        "machine": "测量机器", "cores": "{p} 个物理核心、{l} 个逻辑处理器，PyTorch 用 {t} 个线程",
        "gpu": "GPU", "no_gpu": "无", "date": "日期", "file": "数据文件", "none": "无",
        "quick": "（`--quick` 快速运行的临时结果，只用来检查页面，不能引用；完整结果待提交）",
        "no_results": "还没有提交 overheads 的结果文件。运行 `python -m benchmarks.overheads` "
                      "后再运行 `python -m benchmarks.make_figures`。",
        "no_gpu_part": "这份结果来自没有 CUDA 设备的机器，没有 GPU 部分。",
        "medians_only": "这份结果文件只记录了每组测量的中位数（基准测试当时还不保存各组的值），"
                        "所以它的数字没有四分位距，比值也没有置信区间。",
        "spread_note": "时间都是各组测量的中位数，括号里是四分位距（中间一半测量值的范围）。",
        "device": "设备", "size": "数据量", "memory": "主机内存", "pageable": "可分页",
        "pinned": "锁页", "nb": "non_blocking", "h2d": "主机→设备", "d2h": "设备→主机",
        "returns": "调用返回用时（主机→设备）", "per_copy": "每次用时", "bw": "带宽",
        "item_idle": "单次 `.item()`（设备空闲）", "with_item": "每轮用时（每轮都 `.item()`）",
        "without_item": "每轮用时（不调用 `.item()`）", "item_effect": "每轮调用 `.item()` 的影响",
        "item_runs": "每组 {n} 轮，{r} 组，两种写法交替运行",
        "aten": "ATen 算子（含嵌套）", "from_python": "顶层：Python 调用",
        "from_engine": "顶层：自动求导引擎发出", "meta": "顶层：只改元数据",
        "gpu_acts": "GPU 活动（核函数与拷贝）", "epoch": "一轮用时",
        "trivial": "一个计算算子（`add_`，1 个元素）",
        "view": "一个只改元数据的算子（`t`）", "per_computing": "一轮用时 ÷ 计算算子数",
        "trivial_share": "计算算子数 × `add_` 用时 ÷ 一轮用时",
        "flops": "一轮的浮点运算次数（FlopCounterMode 计数）：{f}。FlopCounterMode 只统计矩阵乘法，"
                 "不含偏置相加、ReLU、softmax 与损失、SGD 更新。",
        "batch": "批大小", "hidden": "隐藏层宽度 {h}", "crossover": "GPU 开始更快的批大小（交叉点）",
        "no_crossover": "在测量范围内没有",
        "torch": "即时执行的 PyTorch", "numpy": "NumPy", "speed": "NumPy 对比 PyTorch",
        "tiny_torch": "PyTorch 最便宜的算子（`add_`）", "tiny_numpy": "NumPy 最便宜的调用（`np.add`）",
        "tiny_ratio": "NumPy 调用对比 PyTorch 算子",
        "loss_diff": "{n} 轮内两者损失的最大差值", "final": "最终损失（PyTorch / NumPy）",
        "underuse_title": "每轮训练用时随批大小和隐藏层宽度的变化",
        "underuse_alt": "折线图：{m} 上每轮训练用时随批大小变化，每条线是一种隐藏层宽度，竖线是四分位距",
        "underuse_y": "每轮用时（毫秒，对数刻度）", "underuse_x": "批大小（样本数，对数刻度）",
        "transfer_title": "主机与 GPU 之间的拷贝带宽",
        "transfer_alt": "折线图：{m} 上主机与 GPU 之间的拷贝带宽随数据量变化",
        "transfer_y": "带宽（GB/s）", "transfer_x": "每次拷贝的数据量（字节，对数刻度）",
        "plot_stamp": "{cpu}，{p} 核 / {l} 线程；GPU：{gpu}；torch {torch}，CUDA {cuda}；{date}",
        "no_difference": "无可测量的差异（95 % 置信区间 {lo}–{hi}）",
        "faster": "速度是{what}的 {v} 倍（95 % 置信区间 {lo}–{hi}）",
        "slower_by": "每轮多花 {d}（两者用时之比 {v}，95 % 置信区间 {lo}–{hi}）",
        "medians_faster": "速度是{what}的 {v} 倍（只有中位数，没有区间）",
        "item_median_lower": "带 `.item()` 的中位数反而短 {d}：测不出它的代价（只有中位数，没有区间）",
        "item_median_higher": "中位数之差 {d}（只有中位数，没有区间）",
        "torch_what": "即时执行的 PyTorch ", "op_what": " PyTorch 算子",
        # the sentences of the where / findings / verdict fragments
        "where_cpu": "**CPU**：`{file}`，{cpu}（{p} 个物理核心、{l} 个逻辑处理器），torch {torch}，{date}。",
        "where_gpu": "**GPU**：`{file}`，在一台 {gpu} 上测量（torch {torch_short}，{date}）；"
                     "同一台机器的 CPU（{cpu}，{l} 个逻辑处理器）也测了一遍。",
        "where_none": "还没有提交任何 overheads 结果文件。",
        "where_quick": "（`--quick` 临时结果，不能引用）",
        "find_cpu": "在 {where}上，原始实验的一轮用时 {epoch}；同样的计算用 NumPy 手写，{numpy_speed}；"
                    "每轮调用 `.item()`：{item}。",
        "find_gpu": "在 {gpu} 上测量（torch {torch_short}，{date}）：原始实验的一轮在 GPU 上用时 {cuda}，"
                    "在同一台机器的 CPU 上用时 {cpu}{cpu_faster}；每轮调用 `.item()`：{item}。",
        "cpu_faster": "，GPU 更慢", "gpu_faster": "，GPU 更快",
        "find_cross": "增大批大小和隐藏层宽度后，GPU 开始比 CPU 快：{cross}。",
        "cross_item": "隐藏层宽度 {hs} 时从批大小 {b} 起",
        "cross_none": "隐藏层宽度 {hs} 时在测量范围内始终没有",
        "cross_sep": "，", "cross_and": " 和 ",
        "where_cpu_short": "{cpu}（{l} 个逻辑处理器）",
        "verdict_measured": "在 {gpu} 上实测（torch {torch_short}，{date}），"
                            "GPU 比同一台机器的 CPU 快的起点：{cross}；"
                            "原始实验（批大小 120，隐藏层宽度 10）远在交叉点以下。",
        "verdict_none": "GPU 上的交叉点还没有测量结果。",
    },
    "en": {
        "machine": "Measured on", "cores": "{p} physical cores, {l} logical CPUs, PyTorch threads: {t}",
        "gpu": "GPU", "no_gpu": "none", "date": "date", "file": "data file", "none": "none",
        "quick": "(a provisional `--quick` result that only checks the page; do not cite it; "
                 "the full result is still to be committed)",
        "no_results": "No overheads result file is committed yet. Run "
                      "`python -m benchmarks.overheads`, then `python -m benchmarks.make_figures`.",
        "no_gpu_part": "This result comes from a machine without a CUDA device: it has no GPU part.",
        "medians_only": "This result file holds only the median of each set of measurements (the benchmark "
                        "did not keep the rounds then), so its figures have no interquartile range and "
                        "its ratios no confidence interval.",
        "spread_note": "Times are medians over rounds of measurements, the interquartile range (the middle "
                       "half of the rounds) in brackets.",
        "device": "device", "size": "size", "memory": "host memory", "pageable": "pageable",
        "pinned": "pinned", "nb": "non_blocking", "h2d": "host→device", "d2h": "device→host",
        "returns": "call returns after (host→device)", "per_copy": "per copy", "bw": "bandwidth",
        "item_idle": "one `.item()` (idle device)", "with_item": "per epoch, `.item()` every epoch",
        "without_item": "per epoch, no `.item()`", "item_effect": "effect of `.item()` every epoch",
        "item_runs": "{n} epochs per round, {r} rounds, the two ways alternating",
        "aten": "ATen ops (nested included)", "from_python": "top level: called from Python",
        "from_engine": "top level: issued by the autograd engine", "meta": "top level: metadata only",
        "gpu_acts": "GPU activities (kernels and copies)",
        "epoch": "one epoch", "trivial": "an op that computes (`add_`, 1 element)",
        "view": "an op that only changes metadata (`t`)", "per_computing": "epoch time ÷ computing ops",
        "trivial_share": "computing ops × `add_` time ÷ epoch time",
        "flops": "Floating-point operations in one epoch (counted by FlopCounterMode): {f}. FlopCounterMode "
                 "counts matrix products only: the bias adds, ReLU, softmax and loss, and the SGD update "
                 "are not in it.",
        "batch": "batch size", "hidden": "hidden width {h}",
        "crossover": "batch size from which the GPU is faster (crossover)",
        "no_crossover": "none in the measured range",
        "torch": "eager PyTorch", "numpy": "NumPy", "speed": "NumPy against PyTorch",
        "tiny_torch": "PyTorch's cheapest op (`add_`)", "tiny_numpy": "NumPy's cheapest call (`np.add`)",
        "tiny_ratio": "NumPy's call against PyTorch's op",
        "loss_diff": "largest loss difference over {n} epochs", "final": "final loss (PyTorch / NumPy)",
        "underuse_title": "Time per training epoch as batch size and hidden width grow",
        "underuse_alt": "Line chart: time per training epoch against batch size on {m}, "
                        "one line per hidden width, whiskers showing the interquartile range",
        "underuse_y": "time per epoch (ms, log scale)", "underuse_x": "batch size (samples, log scale)",
        "transfer_title": "Copy bandwidth between host and GPU",
        "transfer_alt": "Line chart: copy bandwidth between host and GPU against copy size on {m}",
        "transfer_y": "bandwidth (GB/s)", "transfer_x": "bytes per copy (log scale)",
        "plot_stamp": "{cpu}, {p} cores / {l} threads; GPU: {gpu}; torch {torch}, CUDA {cuda}; {date}",
        "no_difference": "no measurable difference (95 % CI {lo}–{hi})",
        "faster": "{v}× {what}'s speed (95 % CI {lo}–{hi})",
        "slower_by": "{d} more per epoch (ratio of times {v}, 95 % CI {lo}–{hi})",
        "medians_faster": "{v}× {what}'s speed (medians only, no interval)",
        "item_median_lower": "the median with `.item()` is even {d} shorter: no cost can be seen "
                             "(medians only, no interval)",
        "item_median_higher": "the medians differ by {d} (medians only, no interval)",
        "torch_what": "eager PyTorch", "op_what": "the PyTorch op",
        "where_cpu": "**CPU**: `{file}`, {cpu} ({p} physical cores, {l} logical CPUs), torch {torch}, "
                     "{date}.",
        "where_gpu": "**GPU**: `{file}`, measured on an {gpu} (torch {torch_short}, {date}); the same "
                     "machine's CPU ({cpu}, {l} logical CPUs) was measured too.",
        "where_none": "No overheads result file is committed yet.",
        "where_quick": " (a provisional `--quick` result: do not cite it)",
        "find_cpu": "On {where}, one epoch of the seed's loop takes {epoch}; the same arithmetic written "
                    "in NumPy: {numpy_speed}; `.item()` every epoch: {item}.",
        "find_gpu": "Measured on an {gpu} (torch {torch_short}, {date}): one epoch of the seed's loop takes "
                    "{cuda} on the GPU and {cpu} on the same machine's CPU{cpu_faster}; `.item()` every "
                    "epoch: {item}.",
        "cpu_faster": ": the GPU is slower", "gpu_faster": ": the GPU is faster",
        "find_cross": "As batch size and hidden width grow, the GPU overtakes the CPU {cross}.",
        "cross_item": "from batch {b} at hidden width{s} {hs}",
        "cross_none": "never within the measured range at hidden width{s} {hs}",
        "cross_sep": ", and ", "cross_and": " and ",
        "where_cpu_short": "{cpu} ({l} logical CPUs)",
        "verdict_measured": "Measured on an {gpu} (torch {torch_short}, {date}), the GPU beats the same "
                            "machine's CPU {cross}; the seed's experiment (batch 120, hidden width 10) "
                            "lies far below the crossover.",
        "verdict_none": "No crossover has been measured on a GPU yet.",
    },
}


# ---------------------------------------------------------------- formatting
def fmt_int(n: int) -> str:
    """20 000: groups of three separated by a plain space, in both languages."""
    return f"{n:,}".replace(",", " ")


def _unit(seconds: float) -> tuple[str, float]:
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if abs(seconds) >= scale or unit == "ns":
            return unit, scale
    raise AssertionError("unreachable")


def fmt_time(seconds: float) -> str:
    """Three significant digits in the unit that keeps the number between 1 and 1000."""
    unit, scale = _unit(seconds)
    return f"{seconds / scale:.3g} {unit}"


def _num(value: float) -> str:
    """Three significant digits, never in exponent notation (an IQR bound may reach 1000 units)."""
    return f"{value:.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def fmt_spread(part: dict, key: str, lang: str) -> str:
    """'258 µs (250–262)': the median of `key`, and its IQR where the rounds were kept."""
    value = part[f"{key}_s"]
    rounds = part.get(f"{key}_rounds_s")
    if not rounds or len(rounds) < 2:
        return fmt_time(value)
    unit, scale = _unit(value)
    low, high = stats.iqr(rounds)
    inner = f"{_num(low / scale)}–{_num(high / scale)}"
    return f"{value / scale:.3g} {unit}" + (f"（{inner}）" if lang == "zh" else f" ({inner})")


def fmt_grid_cell(median: float, rounds: list[float] | None, lang: str) -> str:
    return fmt_spread({"x_s": median, "x_rounds_s": rounds}, "x", lang)


def fmt_bytes(size: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:g} {unit}"
    return f"{size} B"


def ratio(part: dict, numerator: str, denominator: str) -> stats.Ratio | None:
    """Paired ratio of two timings' medians with its 95 % interval, or None without rounds."""
    a, b = part.get(f"{numerator}_rounds_s"), part.get(f"{denominator}_rounds_s")
    if not a or not b or len(a) != len(b) or len(a) < 2:
        return None
    return stats.paired_ratio(a, b)


def _r(value: float) -> str:
    return f"{value:.2f}"


def speed_text(part: dict, slow: str, fast: str, what: str, lang: str) -> str:
    """How much faster `fast` runs than `slow` (the baseline `what`), or no measurable difference."""
    t = T[lang]
    r = ratio(part, slow, fast)
    if r is None:
        return t["medians_faster"].format(v=_r(part[f"{slow}_s"] / part[f"{fast}_s"]), what=what)
    if not r.measurable:
        return t["no_difference"].format(lo=_r(r.low), hi=_r(r.high))
    return t["faster"].format(v=_r(r.value), lo=_r(r.low), hi=_r(r.high), what=what)


def item_text(cost: dict, lang: str) -> str:
    """What calling .item() every epoch does to the epoch's time."""
    t = T[lang]
    difference = cost["epoch_with_item_s"] - cost["epoch_without_item_s"]
    r = ratio(cost, "epoch_with_item", "epoch_without_item")
    if r is None:
        key = "item_median_lower" if difference < 0 else "item_median_higher"
        return t[key].format(d=fmt_time(abs(difference)))
    if not r.measurable:
        return t["no_difference"].format(lo=_r(r.low), hi=_r(r.high))
    return t["slower_by"].format(d=fmt_time(difference), v=_r(r.value), lo=_r(r.low), hi=_r(r.high))


def machine_label(result: dict) -> str:
    """The part of the file name after 'overheads-': cpu-2core, h200, ..."""
    return Path(result["file"]).stem.removeprefix(f"{NAME}-")


def has_rounds(result: dict) -> bool:
    return "epoch_rounds_s" in result["results"]["launch"]["cpu"]


def torch_short(stamp: dict) -> str:
    """'2.11.0+cu130' -> '2.11'."""
    return ".".join(str(stamp.get("torch", "?")).split("+")[0].split(".")[:2])


def stamp_line(result: dict, lang: str) -> str:
    t, s = T[lang], result["stamp"]
    cores = t["cores"].format(p=s.get("physical_cores"), l=s.get("logical_cpus"), t=s.get("torch_threads"))
    sep = "；" if lang == "zh" else "; "
    colon = "：" if lang == "zh" else ": "
    parts = [f"{t['machine']}{colon}{s.get('cpu')}（{cores}）" if lang == "zh"
             else f"{t['machine']}{colon}{s.get('cpu')} ({cores})",
             f"{t['gpu']}{colon}{s.get('gpu') or t['no_gpu']}",
             f"torch {s.get('torch')}{'，' if lang == 'zh' else ', '}CUDA {s.get('cuda') or t['none']}",
             f"{t['date']}{colon}{s.get('date')}",
             f"{t['file']}{colon}`{result['file']}`"]
    line = "*" + sep.join(parts) + "*"
    if result.get("quick"):
        line += " " + t["quick"]
    note = t["spread_note"] if has_rounds(result) else t["medians_only"]
    return f"{line}\n\n{note}"


def page_link(plot_name: str) -> str:
    """x.zh.svg -> x.svg: mkdocs-static-i18n serves each language its own x.<lang>.svg under that name."""
    stem, _lang, ext = plot_name.rsplit(".", 2)
    return f"{stem}.{ext}"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def measured(part) -> bool:
    return isinstance(part, (dict, list)) and not (isinstance(part, dict) and "not_measured" in part)


def gpu_results(results: list[dict]) -> list[dict]:
    return [r for r in results if measured(r["results"]["underuse"].get("cuda"))]


def cpu_results(results: list[dict]) -> list[dict]:
    return [r for r in results if not measured(r["results"]["underuse"].get("cuda"))]


# ---------------------------------------------------------------- plots
def _style(lang: str) -> dict:
    family = ["DejaVu Sans"]
    if lang == "zh":
        cjk = cjk_font()
        if cjk is None:
            raise RuntimeError(f"no CJK font found for the Chinese plots: {INSTALL_HINT}, "
                               "then run `python -m benchmarks.make_figures` again")
        family = [cjk, "DejaVu Sans"]
    return {"font.family": family, "svg.hashsalt": NAME, "svg.fonttype": "path",
            "axes.grid": True, "grid.alpha": 0.3, "font.size": 10}


def _save(fig, path: Path) -> None:
    fig.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(fig)


def _plot_stamp(result: dict, lang: str) -> str:
    t, s = T[lang], result["stamp"]
    return t["plot_stamp"].format(cpu=s.get("cpu"), p=s.get("physical_cores"), l=s.get("logical_cpus"),
                                  gpu=s.get("gpu") or t["no_gpu"], torch=s.get("torch"),
                                  cuda=s.get("cuda") or t["none"], date=s.get("date")) + (
        " (quick)" if result.get("quick") else "")


PLAIN = FuncFormatter(lambda value, _: f"{value:g}")


def plot_underuse(result: dict, lang: str, path: Path) -> None:
    t, data = T[lang], result["results"]["underuse"]
    comma = "，" if lang == "zh" else ", "
    with plt.rc_context(_style(lang)):
        fig, ax = plt.subplots(figsize=(7, 4.2))
        devices = [d for d in ("cpu", "cuda") if measured(data.get(d))]
        for column, hidden in enumerate(data["hidden_widths"]):
            color = f"C{column}"
            for device in devices:
                ms = [row[column] * 1e3 for row in data[device]]
                rounds = data.get(f"{device}_rounds")
                errors = None
                if rounds:
                    quartiles = [stats.iqr(row[column]) for row in rounds]
                    errors = [[m - q[0] * 1e3 for m, q in zip(ms, quartiles, strict=True)],
                              [q[1] * 1e3 - m for m, q in zip(ms, quartiles, strict=True)]]
                ax.errorbar(data["batch_sizes"], ms, yerr=errors, capsize=3,
                            marker="o" if device == "cpu" else "s", color=color,
                            linestyle="-" if device == "cpu" else "--",
                            label=f"{'CPU' if device == 'cpu' else 'GPU'}{comma}"
                                  f"{t['hidden'].format(h=fmt_int(hidden))}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(data["batch_sizes"], [fmt_int(b) for b in data["batch_sizes"]])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_major_formatter(PLAIN)
        ax.yaxis.set_minor_formatter(NullFormatter())  # minor labels overlap on a log axis
        ax.set_xlabel(t["underuse_x"])
        ax.set_ylabel(t["underuse_y"])
        ax.set_title(t["underuse_title"])
        ax.legend(fontsize=8)
        fig.text(0.01, -0.02, _plot_stamp(result, lang), fontsize=7, ha="left", va="top")
        _save(fig, path)


def plot_transfer(result: dict, lang: str, path: Path) -> None:
    t, rows = T[lang], result["results"]["transfer"]["copies"]["cuda"]
    comma = "，" if lang == "zh" else ", "
    with plt.rc_context(_style(lang)):
        fig, ax = plt.subplots(figsize=(7, 4.2))
        for color, memory in (("C0", "pageable"), ("C1", "pinned")):
            for direction, style in (("h2d", "-"), ("d2h", "--")):
                picked = [r for r in rows if r["memory"] == memory and not r["non_blocking"]]
                ax.plot([r["bytes"] for r in picked], [r[f"{direction}_gb_per_s"] for r in picked],
                        color=color, linestyle=style, marker="o",
                        label=f"{t[direction]}{comma}{t[memory]}")
        ax.set_xscale("log", base=2)
        sizes = sorted({r["bytes"] for r in rows})
        ax.set_xticks(sizes, [fmt_bytes(b) for b in sizes])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(t["transfer_x"])
        ax.set_ylabel(t["transfer_y"])
        ax.set_title(t["transfer_title"])
        ax.legend(fontsize=8)
        fig.text(0.01, -0.02, _plot_stamp(result, lang), fontsize=7, ha="left", va="top")
        _save(fig, path)


# ---------------------------------------------------------------- tables
def transfer_fragment(result: dict, lang: str, plots: dict) -> str:
    t, data = T[lang], result["results"]["transfer"]
    parts = []
    copies = data["copies"].get("cuda")
    if measured(copies):
        parts.append(f"![{t['transfer_alt'].format(m=result['stamp'].get('gpu'))}]"
                     f"(assets/plots/{page_link(plots['transfer'][lang])})")
        rows = [[fmt_bytes(r["bytes"]), t[r["memory"]], str(r["non_blocking"]),
                 fmt_spread(r, "h2d", lang), f"{r['h2d_gb_per_s']:.3g} GB/s",
                 fmt_spread(r, "d2h", lang), f"{r['d2h_gb_per_s']:.3g} GB/s", fmt_time(r["h2d_returns_s"])]
                for r in copies]
        parts.append(table([t["size"], t["memory"], t["nb"], f"{t['h2d']} {t['per_copy']}",
                            f"{t['h2d']} {t['bw']}", f"{t['d2h']} {t['per_copy']}",
                            f"{t['d2h']} {t['bw']}", t["returns"]], rows))
    else:
        parts.append(t["no_gpu_part"])
    rows = []
    for device, cost in data["item"].items():
        rows.append([device, fmt_spread(cost, "item_idle", lang), fmt_spread(cost, "epoch_with_item", lang),
                     fmt_spread(cost, "epoch_without_item", lang), item_text(cost, lang)])
    cost = next(iter(data["item"].values()))
    parts.append(table([t["device"], t["item_idle"], t["with_item"], t["without_item"], t["item_effect"]],
                       rows))
    parts.append(t["item_runs"].format(n=fmt_int(cost["epochs"]), r=cost["rounds"]))
    return "\n\n".join(parts)


def launch_groups(counts: dict) -> dict:
    """Top-level ops by who issued them and by kind; from the classified list where the file has it,
    else (older files) the kind from each op's schema and the issuer unknown."""
    if "top_level" in counts:
        rows = counts["top_level"]
        return {"Python": sum(r["count"] for r in rows if r["issued_by"] == "Python"),
                "autograd engine": sum(r["count"] for r in rows if r["issued_by"] == "autograd engine"),
                "metadata": sum(r["count"] for r in rows if r["metadata_only"])}
    names = counts["top_level_by_name"]
    return {"Python": None, "autograd engine": None,
            "metadata": sum(n for name, n in names.items() if metadata_only(name))}


def launch_fragment(result: dict, lang: str, plots: dict) -> str:
    t, data = T[lang], result["results"]["launch"]
    rows = []
    for device in ("cpu", "cuda"):
        c = data.get(device)
        if not measured(c):
            continue
        groups = launch_groups(c)
        computing = c["top_level_ops"] - groups["metadata"]
        view = fmt_spread(c, "view_op", lang) if "view_op_s" in c else "–"
        rows.append([device, c["aten_ops"],
                     "–" if groups["Python"] is None else groups["Python"],
                     "–" if groups["autograd engine"] is None else groups["autograd engine"],
                     groups["metadata"], c["gpu_activities"] if c["gpu_activities"] is not None else "–",
                     fmt_spread(c, "epoch", lang), fmt_spread(c, "trivial_op", lang), view,
                     fmt_time(c["epoch_s"] / computing),
                     f"{computing * c['trivial_op_s'] / c['epoch_s']:.0%}"])
    parts = [table([t["device"], t["aten"], t["from_python"], t["from_engine"], t["meta"], t["gpu_acts"],
                    t["epoch"], t["trivial"], t["view"], t["per_computing"], t["trivial_share"]], rows),
             t["flops"].format(f=fmt_int(data["flops_per_epoch"]))]
    if not measured(data.get("cuda")):
        parts.append(t["no_gpu_part"])
    return "\n\n".join(parts)


def underuse_fragment(result: dict, lang: str, plots: dict) -> str:
    t, data = T[lang], result["results"]["underuse"]
    label = result["stamp"].get("gpu") or result["stamp"].get("cpu")
    parts = [f"![{t['underuse_alt'].format(m=label)}](assets/plots/{page_link(plots['underuse'][lang])})"]
    header = [t["device"], t["batch"]] + [t["hidden"].format(h=fmt_int(h)) for h in data["hidden_widths"]]
    rows = []
    for device in ("cpu", "cuda"):
        grid = data.get(device)
        if not measured(grid):
            continue
        rounds = data.get(f"{device}_rounds") or [[None] * len(row) for row in grid]
        for batch, row, row_rounds in zip(data["batch_sizes"], grid, rounds, strict=True):
            rows.append([device, fmt_int(batch)] + [fmt_grid_cell(s, r, lang)
                                                   for s, r in zip(row, row_rounds, strict=True)])
    parts.append(table(header, rows))
    if data.get("crossover_batch") is not None:
        cross = [f"{t['hidden'].format(h=fmt_int(h))}: {fmt_int(b) if b else t['no_crossover']}"
                 for h, b in zip(data["hidden_widths"], data["crossover_batch"], strict=True)]
        parts.append(f"{t['crossover']}：" + "；".join(cross) if lang == "zh"
                     else f"{t['crossover']}: " + "; ".join(cross))
    else:
        parts.append(t["no_gpu_part"])
    return "\n\n".join(parts)


def numpy_fragment(result: dict, lang: str, plots: dict) -> str:
    t, d = T[lang], result["results"]["numpy"]
    comma = "，" if lang == "zh" else ", "
    header = [f"{t['torch']}{comma}{t['epoch']}", f"{t['numpy']}{comma}{t['epoch']}", t["speed"]]
    row = [fmt_spread(d, "torch_eager", lang), fmt_spread(d, "numpy", lang),
           speed_text(d, "torch_eager", "numpy", t["torch_what"], lang)]
    if "torch_trivial_op_s" in d:
        header += [t["tiny_torch"], t["tiny_numpy"], t["tiny_ratio"]]
        row += [fmt_spread(d, "torch_trivial_op", lang), fmt_spread(d, "numpy_trivial_op", lang),
                speed_text(d, "torch_trivial_op", "numpy_trivial_op", t["op_what"], lang)]
    header += [t["final"], t["loss_diff"].format(n=fmt_int(d["epochs"]))]
    row += [f"{d['final_loss_torch']:.4f} / {d['final_loss_numpy']:.4f}", f"{d['max_loss_difference']:.1e}"]
    return table(header, [row])


FRAGMENTS = {"transfer": transfer_fragment, "launch": launch_fragment,
             "underuse": underuse_fragment, "numpy": numpy_fragment}


# ---------------------------------------------------------------- sentences with figures
def where_fragment(mine: list[dict], lang: str) -> str:
    t = T[lang]
    if not mine:
        return t["where_none"]
    lines = []
    for result in mine:
        s = result["stamp"]
        key = "where_gpu" if result in gpu_results(mine) else "where_cpu"
        line = t[key].format(file=result["file"], cpu=s.get("cpu"), p=s.get("physical_cores"),
                             l=s.get("logical_cpus"), torch=s.get("torch"), torch_short=torch_short(s),
                             gpu=s.get("gpu"), date=s.get("date"))
        lines.append(f"- {line}{t['where_quick'] if result.get('quick') else ''}")
    return "\n".join(lines)


def crossover_words(data: dict, lang: str) -> str:
    """The measured crossover in words, hidden widths with the same crossover batch together."""
    t = T[lang]
    groups: dict = {}
    for hidden, batch in zip(data["hidden_widths"], data["crossover_batch"], strict=True):
        groups.setdefault(batch, []).append(fmt_int(hidden))
    found = [t["cross_item" if batch else "cross_none"].format(b=fmt_int(batch) if batch else "",
                                                               hs=t["cross_and"].join(widths),
                                                               s="s" if len(widths) > 1 else "")
             for batch, widths in groups.items()]
    return t["cross_sep"].join(found)


def findings_fragment(mine: list[dict], lang: str) -> str:
    t = T[lang]
    if not mine:
        return t["where_none"]
    lines = []
    for result in cpu_results(mine):
        s, r = result["stamp"], result["results"]
        where = t["where_cpu_short"].format(cpu=s.get("cpu"), l=s.get("logical_cpus"))
        lines.append("- " + t["find_cpu"].format(
            where=where, epoch=fmt_spread(r["launch"]["cpu"], "epoch", lang),
            numpy_speed=speed_text(r["numpy"], "torch_eager", "numpy", t["torch_what"], lang),
            item=item_text(r["transfer"]["item"]["cpu"], lang)))
    for result in gpu_results(mine):
        s, r = result["stamp"], result["results"]
        cpu, cuda = r["launch"]["cpu"], r["launch"]["cuda"]
        lines.append("- " + t["find_gpu"].format(
            gpu=s.get("gpu"), torch_short=torch_short(s), date=s.get("date"),
            cuda=fmt_spread(cuda, "epoch", lang), cpu=fmt_spread(cpu, "epoch", lang),
            cpu_faster=t["cpu_faster"] if cpu["epoch_s"] < cuda["epoch_s"] else t["gpu_faster"],
            item=item_text(r["transfer"]["item"]["cuda"], lang)))
        lines.append("- " + t["find_cross"].format(cross=crossover_words(r["underuse"], lang)))
    return "\n".join(lines)


def verdict_fragment(mine: list[dict], lang: str) -> str:
    t = T[lang]
    found = gpu_results(mine)
    if not found:
        return t["verdict_none"]
    result = found[-1]
    s = result["stamp"]
    return t["verdict_measured"].format(gpu=s.get("gpu"), torch_short=torch_short(s), date=s.get("date"),
                                        cross=crossover_words(result["results"]["underuse"], lang))


SENTENCES = {"where": where_fragment, "findings": findings_fragment, "verdict": verdict_fragment}


def make(results: list[dict], plots_dir: Path, tables_dir: Path) -> None:
    mine = sorted((r for r in results if r.get("benchmark") == NAME), key=lambda r: r["file"])
    written: set[Path] = set()
    per_result_plots = []
    for result in mine:
        machine = machine_label(result)
        plots = {"underuse": {lang: f"{NAME}-underuse-{machine}.{lang}.svg" for lang in LANGS}}
        if measured(result["results"]["transfer"]["copies"].get("cuda")):
            plots["transfer"] = {lang: f"{NAME}-transfer-{machine}.{lang}.svg" for lang in LANGS}
        for lang in LANGS:
            plot_underuse(result, lang, plots_dir / plots["underuse"][lang])
            if "transfer" in plots:
                plot_transfer(result, lang, plots_dir / plots["transfer"][lang])
        written |= {plots_dir / name for pair in plots.values() for name in pair.values()}
        per_result_plots.append(plots)
    for part, fragment in FRAGMENTS.items():
        for lang in LANGS:
            if mine:
                sections = [stamp_line(r, lang) + "\n\n" + fragment(r, lang, p)
                            for r, p in zip(mine, per_result_plots, strict=True)]
            else:
                sections = [T[lang]["no_results"]]
            path = tables_dir / f"{NAME}-{part}.{lang}.md"
            path.write_text("\n\n".join(sections) + "\n", encoding="utf-8")
            written.add(path)
    for part, fragment in SENTENCES.items():
        for lang in LANGS:
            path = tables_dir / f"{NAME}-{part}.{lang}.md"
            path.write_text(fragment(mine, lang) + "\n", encoding="utf-8")
            written.add(path)
    # Remove what an earlier run wrote for a result file that is gone.
    for folder, pattern in ((plots_dir, f"{NAME}-*.svg"), (tables_dir, f"{NAME}-*.md")):
        for stale in set(folder.glob(pattern)) - written:
            stale.unlink()
