"""Tables and plots of the overheads benchmark (`python -m benchmarks.overheads`), in both languages.

Called by `python -m benchmarks.make_figures` with every parsed results/*.json; uses those whose
"benchmark" is "overheads". Writes, for the chapter "Why a tiny model trains faster on the CPU":

    results/tables/overheads-{transfer,launch,underuse,numpy}.{zh,en}.md   (fragments the pages embed)
    docs/assets/plots/overheads-{underuse,transfer}-<machine>.{zh,en}.svg  (one pair per result file)

The plots are localized assets: with `fallback_to_default: false`, mkdocs-static-i18n leaves assets
without a language suffix out of the English build, so a page links `assets/plots/x.svg` and each
language's build serves its own x.<lang>.svg under that name.

Every fragment names the machine, versions and date of each result it shows. A GPU part that a
result file does not hold is shown as pending, never as a number.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter, NullFormatter

from benchmarks.fonts import INSTALL_HINT, cjk_font

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
        "pending_title": "GPU 数据待测",
        "pending": "GPU 数据待测：这份结果来自没有 CUDA 设备的机器，表中没有任何 GPU 数字。",
        "device": "设备", "size": "数据量", "memory": "主机内存", "pageable": "可分页",
        "pinned": "锁页", "nb": "non_blocking", "h2d": "主机→设备", "d2h": "设备→主机",
        "returns": "调用返回用时（主机→设备）", "per_copy": "每次用时", "bw": "带宽",
        "item_idle": "单次 `.item()`", "with_item": "每轮（每轮都 `.item()`）",
        "without_item": "每轮（不调用 `.item()`）", "share": "`.item()` 占每轮时间",
        "run_total": "{n:,} 轮合计（有 / 无 `.item()`）",
        "aten": "ATen 算子（含嵌套）", "top": "顶层算子", "gpu_acts": "GPU 活动（核函数与拷贝）",
        "epoch": "一轮用时", "trivial": "一次 `add_`（1 个元素）", "per_top": "每个顶层算子摊到",
        "trivial_share": "顶层算子数 × `add_` 用时 ÷ 一轮用时",
        "flops": "一轮的浮点运算次数（FlopCounterMode 计数）：{f:,}",
        "batch": "批大小", "hidden": "隐藏层宽度 {h}", "crossover": "GPU 开始更快的批大小（交叉点）",
        "no_crossover": "在测量范围内没有",
        "torch": "PyTorch 即时执行（eager）", "numpy": "NumPy", "ratio": "PyTorch ÷ NumPy",
        "loss_diff": "{n:,} 轮内两者损失的最大差值", "final": "最终损失（PyTorch / NumPy）",
        "underuse_title": "每轮训练用时随批大小和隐藏层宽度的变化",
        "underuse_alt": "折线图：{m} 上每轮训练用时随批大小变化，每条线是一种隐藏层宽度",
        "underuse_y": "每轮用时（毫秒，对数坐标）", "underuse_x": "批大小（样本数，对数坐标）",
        "transfer_title": "主机与 GPU 之间的拷贝带宽",
        "transfer_alt": "折线图：{m} 上主机与 GPU 之间的拷贝带宽随数据量变化",
        "transfer_y": "带宽（GB/s）", "transfer_x": "每次拷贝的数据量（字节，对数坐标）",
        "plot_stamp": "{cpu}，{p} 核 / {l} 线程；GPU：{gpu}；torch {torch}，CUDA {cuda}；{date}",
    },
    "en": {
        "machine": "Measured on", "cores": "{p} physical cores, {l} logical CPUs, PyTorch using {t} threads",
        "gpu": "GPU", "no_gpu": "none", "date": "date", "file": "data file", "none": "none",
        "quick": "(a provisional `--quick` result that only checks the page; do not cite it; "
                 "the full result is still to be committed)",
        "no_results": "No overheads result file is committed yet. Run "
                      "`python -m benchmarks.overheads`, then `python -m benchmarks.make_figures`.",
        "pending_title": "GPU figures pending",
        "pending": "GPU figures pending: this result comes from a machine without a CUDA device, "
                   "and the table holds no GPU number.",
        "device": "device", "size": "size", "memory": "host memory", "pageable": "pageable",
        "pinned": "pinned", "nb": "non_blocking", "h2d": "host→device", "d2h": "device→host",
        "returns": "call returns after (host→device)", "per_copy": "per copy", "bw": "bandwidth",
        "item_idle": "one `.item()`", "with_item": "per epoch, `.item()` every epoch",
        "without_item": "per epoch, no `.item()`", "share": "`.item()` share of an epoch",
        "run_total": "{n:,} epochs in all (with / without `.item()`)",
        "aten": "ATen ops (nested included)", "top": "top-level ops",
        "gpu_acts": "GPU activities (kernels and copies)",
        "epoch": "one epoch", "trivial": "one `add_` (1 element)", "per_top": "epoch time per top-level op",
        "trivial_share": "top-level ops × `add_` time ÷ epoch time",
        "flops": "Floating-point operations in one epoch (counted by FlopCounterMode): {f:,}",
        "batch": "batch size", "hidden": "hidden width {h}",
        "crossover": "batch size from which the GPU is faster (crossover)",
        "no_crossover": "none in the measured range",
        "torch": "eager PyTorch", "numpy": "NumPy", "ratio": "PyTorch ÷ NumPy",
        "loss_diff": "largest loss difference over {n:,} epochs", "final": "final loss (PyTorch / NumPy)",
        "underuse_title": "Time per training epoch as batch size and hidden width grow",
        "underuse_alt": "Line chart: time per training epoch against batch size on {m}, "
                        "one line per hidden width",
        "underuse_y": "time per epoch (ms, log scale)", "underuse_x": "batch size (samples, log scale)",
        "transfer_title": "Copy bandwidth between host and GPU",
        "transfer_alt": "Line chart: copy bandwidth between host and GPU against copy size on {m}",
        "transfer_y": "bandwidth (GB/s)", "transfer_x": "bytes per copy (log scale)",
        "plot_stamp": "{cpu}, {p} cores / {l} threads; GPU: {gpu}; torch {torch}, CUDA {cuda}; {date}",
    },
}


# ---------------------------------------------------------------- formatting
def fmt_time(seconds: float) -> str:
    """Three significant digits in the unit that keeps the number between 1 and 1000."""
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if abs(seconds) >= scale or unit == "ns":
            return f"{seconds / scale:.3g} {unit}"
    raise AssertionError("unreachable")


def fmt_bytes(size: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:g} {unit}"
    return f"{size} B"


def machine_label(result: dict) -> str:
    """The part of the file name after 'overheads-': cpu-2core, nvidia-h200, ..."""
    return Path(result["file"]).stem.removeprefix(f"{NAME}-")


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
    return line


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
                ax.plot(data["batch_sizes"], ms, marker="o" if device == "cpu" else "s", color=color,
                        linestyle="-" if device == "cpu" else "--",
                        label=f"{'CPU' if device == 'cpu' else 'GPU'}{comma}{t['hidden'].format(h=hidden)}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(data["batch_sizes"], [f"{b:,}" for b in data["batch_sizes"]])
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


# ---------------------------------------------------------------- fragments
def transfer_fragment(result: dict, lang: str, plots: dict) -> str:
    t, data = T[lang], result["results"]["transfer"]
    parts = []
    copies = data["copies"].get("cuda")
    if measured(copies):
        parts.append(f"![{t['transfer_alt'].format(m=result['stamp'].get('gpu'))}]"
                     f"(assets/plots/{page_link(plots['transfer'][lang])})")
        rows = [[fmt_bytes(r["bytes"]), t[r["memory"]], str(r["non_blocking"]),
                 fmt_time(r["h2d_s"]), f"{r['h2d_gb_per_s']:.3g} GB/s",
                 fmt_time(r["d2h_s"]), f"{r['d2h_gb_per_s']:.3g} GB/s", fmt_time(r["h2d_returns_s"])]
                for r in copies]
        parts.append(table([t["size"], t["memory"], t["nb"], f"{t['h2d']} {t['per_copy']}",
                            f"{t['h2d']} {t['bw']}", f"{t['d2h']} {t['per_copy']}",
                            f"{t['d2h']} {t['bw']}", t["returns"]], rows))
    else:
        parts.append(f"!!! note \"{t['pending_title']}\"\n\n    {t['pending']}")
    rows = []
    for device, cost in data["item"].items():
        n = cost["epochs"]
        with_item, without_item = cost["epoch_with_item_s"], cost["epoch_without_item_s"]
        rows.append([device, fmt_time(cost["item_idle_s"]), fmt_time(with_item),
                     fmt_time(without_item), f"{cost['item_share']:.1%}",
                     f"{fmt_time(with_item * n)} / {fmt_time(without_item * n)}"])
    n = next(iter(data["item"].values()))["epochs"]
    parts.append(table([t["device"], t["item_idle"], t["with_item"], t["without_item"], t["share"],
                        t["run_total"].format(n=n)], rows))
    return "\n\n".join(parts)


def launch_fragment(result: dict, lang: str, plots: dict) -> str:
    t, data = T[lang], result["results"]["launch"]
    rows = []
    for device in ("cpu", "cuda"):
        c = data.get(device)
        if not measured(c):
            continue
        rows.append([device, c["aten_ops"], c["top_level_ops"],
                     c["gpu_activities"] if c["gpu_activities"] is not None else "–",
                     fmt_time(c["epoch_s"]), fmt_time(c["trivial_op_s"]),
                     fmt_time(c["epoch_s_per_top_level_op"]), f"{c['trivial_share']:.0%}"])
    parts = [table([t["device"], t["aten"], t["top"], t["gpu_acts"], t["epoch"], t["trivial"],
                    t["per_top"], t["trivial_share"]], rows),
             t["flops"].format(f=data["flops_per_epoch"])]
    if not measured(data.get("cuda")):
        parts.append(t["pending"])
    return "\n\n".join(parts)


def underuse_fragment(result: dict, lang: str, plots: dict) -> str:
    t, data = T[lang], result["results"]["underuse"]
    label = result["stamp"].get("gpu") or result["stamp"].get("cpu")
    parts = [f"![{t['underuse_alt'].format(m=label)}](assets/plots/{page_link(plots['underuse'][lang])})"]
    header = [t["device"], t["batch"]] + [t["hidden"].format(h=h) for h in data["hidden_widths"]]
    rows = []
    for device in ("cpu", "cuda"):
        grid = data.get(device)
        if not measured(grid):
            continue
        for batch, row in zip(data["batch_sizes"], grid, strict=True):
            rows.append([device, f"{batch:,}"] + [fmt_time(s) for s in row])
    parts.append(table(header, rows))
    if data.get("crossover_batch") is not None:
        cross = [f"{t['hidden'].format(h=h)}: {f'{b:,}' if b else t['no_crossover']}"
                 for h, b in zip(data["hidden_widths"], data["crossover_batch"], strict=True)]
        parts.append(f"{t['crossover']}：" + "；".join(cross) if lang == "zh"
                     else f"{t['crossover']}: " + "; ".join(cross))
    else:
        parts.append(t["pending"])
    return "\n\n".join(parts)


def numpy_fragment(result: dict, lang: str, plots: dict) -> str:
    t, d = T[lang], result["results"]["numpy"]
    comma = "，" if lang == "zh" else ", "
    rows = [[fmt_time(d["torch_eager_s"]), fmt_time(d["numpy_s"]),
             f"{d['torch_eager_s'] / d['numpy_s']:.1f}×",
             f"{d['final_loss_torch']:.4f} / {d['final_loss_numpy']:.4f}", f"{d['max_loss_difference']:.1e}"]]
    return table([f"{t['torch']}{comma}{t['epoch']}", f"{t['numpy']}{comma}{t['epoch']}", t["ratio"],
                  t["final"], t["loss_diff"].format(n=d["epochs"])], rows)


FRAGMENTS = {"transfer": transfer_fragment, "launch": launch_fragment,
             "underuse": underuse_fragment, "numpy": numpy_fragment}


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
    # Remove what an earlier run wrote for a result file that is gone.
    for folder, pattern in ((plots_dir, f"{NAME}-*.svg"), (tables_dir, f"{NAME}-*.md")):
        for stale in set(folder.glob(pattern)) - written:
            stale.unlink()
