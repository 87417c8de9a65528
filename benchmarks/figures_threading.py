"""Table and plot of the threading lab (benchmarks/threading_lab.py), in both languages.

Called by benchmarks/make_figures.py with every parsed results/*.json; uses those whose
"benchmark" is "threading". Writes

    results/tables/threading.{zh,en}.md                 (the fragment the hardware page embeds)
    docs/assets/plots/threading-<machine>.{zh,en}.svg    (one pair per result file)

Without a result file it writes a short "not measured yet" fragment and no plot, so the site
builds before the first full run. Times are medians with their interquartile range (IQR).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from benchmarks.fonts import cjk_font

NAME = "threading"
LANGS = ("zh", "en")
T = {
    "zh": {
        "none": "线程实验还没有完整的测量结果。在空闲的机器上运行 `python -m benchmarks.threading_lab`，"
                "再运行 `python benchmarks/make_figures.py`，这里就会出现表格和图。",
        "stamp": "*测量机器：{cpu}（{gen}{vm}），本进程可用 {usable} 个 CPU{quota}；torch {torch}；"
                 "日期：{date}；数据文件：`{file}`*",
        "vm": "，虚拟机", "quota": "，CPU 配额 {q:g} 个",
        "quick": "（`--quick` 快速运行的临时结果，只用来检查页面，不能引用）",
        "sweep_head": ["运算", "条件"], "threads": "{n} 个线程", "thread": "1 个线程",
        "over": "{n} 个线程（超额）",
        "fastest": "最快", "iris_epoch": "Iris 一轮训练", "matmul": "{s}×{s} 矩阵乘法",
        "idle": "空闲", "loaded": "有竞争进程",
        "cell": "{m}（{q1}–{q3}）",
        "ops_head": ["算子（Iris 一轮中的形状）", "开启并行区域", "空闲，1 个线程", "空闲，{n} 个线程",
                     "有竞争进程，1 个线程", "有竞争进程，{n} 个线程"],
        "yes": "是", "no": "否", "unknown": "未测（非 Linux）",
        "note": "每格是每次调用用时的中位数，括号内是四分位距（IQR）。“超额”指线程数超过本进程可用的 CPU 数。"
                "“有竞争进程”时，另一个进程用 {load} 个线程不停地做矩阵乘法。",
        "alt": "折线图：{m} 上 Iris 一轮训练和矩阵乘法的用时随线程数的变化，空闲与有竞争进程各一条线",
        "title": "线程数与用时", "x": "torch.set_num_threads(n) 的 n", "y": "每次调用用时（毫秒，对数坐标）",
        "usable": "可用 CPU 数",
    },
    "en": {
        "none": "The threading lab has no full measurement yet. Run `python -m benchmarks.threading_lab` "
                "on an idle machine, then `python benchmarks/make_figures.py`, and the table and plot "
                "appear here.",
        "stamp": "*Measured on: {cpu} ({gen}{vm}), {usable} CPUs usable by the process{quota}; "
                 "torch {torch}; date: {date}; data file: `{file}`*",
        "vm": ", virtual machine", "quota": ", CPU quota {q:g}",
        "quick": "(a provisional `--quick` result that only checks the page; do not cite it)",
        "sweep_head": ["work", "condition"], "threads": "{n} threads", "thread": "1 thread",
        "over": "{n} threads (oversubscribed)",
        "fastest": "fastest", "iris_epoch": "Iris epoch", "matmul": "{s}×{s} matmul",
        "idle": "idle", "loaded": "competing process",
        "cell": "{m} ({q1}–{q3})",
        "ops_head": ["op (shapes of one Iris epoch)", "opens a parallel region", "idle, 1 thread",
                     "idle, {n} threads", "competing process, 1 thread", "competing process, {n} threads"],
        "yes": "yes", "no": "no", "unknown": "not probed (not Linux)",
        "note": "Each cell is the median time per call, with the interquartile range (IQR) in brackets. "
                "Oversubscribed means more threads than CPUs the process may use. With a competing "
                "process, a second process keeps {load} threads busy with matrix products.",
        "alt": "Line chart: time of an Iris epoch and of a matmul against the thread count on {m}, "
               "one line idle and one with a competing process",
        "title": "Thread count and time", "x": "n in torch.set_num_threads(n)",
        "y": "time per call (ms, log scale)", "usable": "usable CPUs",
    },
}


def fmt_time(seconds: float) -> str:
    """Three significant digits in the unit that keeps the number between 1 and 1000."""
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if abs(seconds) >= scale or unit == "ns":
            return f"{seconds / scale:.3g} {unit}"
    raise AssertionError("unreachable")


def _cell(stats: dict, lang: str) -> str:
    return T[lang]["cell"].format(m=fmt_time(stats["median_s"]), q1=fmt_time(stats["q1_s"]),
                                  q3=fmt_time(stats["q3_s"]))


def _threads(n: int, lang: str, over: bool = False) -> str:
    t = T[lang]
    return t["over"].format(n=n) if over else t["thread"] if n == 1 else t["threads"].format(n=n)


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def machine_label(result: dict) -> str:
    return Path(result["file"]).stem.removeprefix(f"{NAME}-")


def stamp_line(result: dict, lang: str) -> str:
    t, s, r = T[lang], result["stamp"], result["results"]
    quota = s.get("cpu_quota")
    line = t["stamp"].format(cpu=s.get("cpu"), gen=s.get("cpu_generation") or "?",
                             vm=t["vm"] if s.get("hypervisor") else "", usable=r["usable_cpus"],
                             quota=t["quota"].format(q=quota["cpus"]) if quota else "",
                             torch=s.get("torch"), date=s.get("date"), file=result["file"])
    return line + (" " + t["quick"] if result.get("quick") else "")


def sweep_table(result: dict, lang: str) -> str:
    t, r = T[lang], result["results"]
    usable = r["usable_cpus"]
    header = t["sweep_head"] + [_threads(n, lang, n > usable) for n in r["thread_counts"]] + [t["fastest"]]
    rows = []
    for workload in ("iris_epoch", "matmul"):
        for condition in ("idle", "loaded"):
            points = r["sweep"][condition][workload]
            best = min(points, key=lambda p: p["median_s"])
            rows.append([t[workload].format(s=r["settings"]["matmul_size"]), t[condition]]
                        + [_cell(p, lang) for p in points]
                        + [_threads(best["threads"], lang)])
    return _table(header, rows)


def ops_table(result: dict, lang: str) -> str:
    t, r = T[lang], result["results"]
    many = str(max(2, r["usable_cpus"]))
    header = [h.format(n=many) for h in t["ops_head"]]
    rows = []
    for op in r["tiny_ops"]:
        opens = op["opens_parallel_region"]
        rows.append([f"`{op['op']}`", t["unknown"] if opens is None else t["yes" if opens else "no"],
                     _cell(op["idle"]["1"], lang), _cell(op["idle"][many], lang),
                     _cell(op["loaded"]["1"], lang), _cell(op["loaded"][many], lang)])
    return _table(header, rows)


def plot(result: dict, lang: str, path: Path) -> None:
    t, r = T[lang], result["results"]
    family = ["DejaVu Sans"]
    if lang == "zh":
        cjk = cjk_font()
        if cjk is None:
            raise RuntimeError("no CJK font for the Chinese plot: install one, e.g. "
                               "`apt-get install fonts-wqy-microhei`")
        family = [cjk, "DejaVu Sans"]
    style = {"font.family": family, "svg.hashsalt": NAME, "svg.fonttype": "path", "axes.grid": True,
             "grid.alpha": 0.3, "font.size": 10}
    with plt.rc_context(style):
        fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
        for ax, workload in zip(axes, ("iris_epoch", "matmul"), strict=True):
            for condition, color in (("idle", "C0"), ("loaded", "C3")):
                points = r["sweep"][condition][workload]
                x = [p["threads"] for p in points]
                median = [p["median_s"] * 1e3 for p in points]
                low = [(p["median_s"] - p["q1_s"]) * 1e3 for p in points]
                high = [(p["q3_s"] - p["median_s"]) * 1e3 for p in points]
                ax.errorbar(x, median, yerr=[low, high], marker="o", color=color, capsize=3,
                            label=t[condition])
            ax.axvline(r["usable_cpus"], color="grey", linestyle="--", linewidth=1, label=t["usable"])
            ax.set_xscale("log", base=2)
            ax.set_xticks(r["thread_counts"], [str(n) for n in r["thread_counts"]])
            ax.minorticks_off()
            ax.set_yscale("log")
            ax.set_title(t[workload].format(s=r["settings"]["matmul_size"]))
            ax.set_xlabel(t["x"])
        axes[0].set_ylabel(t["y"])
        axes[0].legend(fontsize=8)
        fig.suptitle(t["title"])
        fig.text(0.01, -0.02, stamp_line(result, lang).split("*")[1].replace("`", ""), fontsize=7,
                 ha="left", va="top")
        fig.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight")
        plt.close(fig)


def make(results: list[dict], plots_dir: Path, tables_dir: Path) -> None:
    mine = sorted((r for r in results if r.get("benchmark") == NAME), key=lambda r: r["file"])
    written: set[Path] = set()
    for lang in LANGS:
        t = T[lang]
        if not mine:
            sections = [t["none"]]
        else:
            sections = []
            for result in mine:
                name = f"{NAME}-{machine_label(result)}"
                plot(result, lang, plots_dir / f"{name}.{lang}.svg")
                written.add(plots_dir / f"{name}.{lang}.svg")
                label = result["stamp"].get("cpu_generation") or result["stamp"].get("cpu")
                sections += [stamp_line(result, lang),
                             f"![{t['alt'].format(m=label)}](assets/plots/{name}.svg)",
                             sweep_table(result, lang), ops_table(result, lang),
                             t["note"].format(load=result["results"]["load"]["threads"])]
        path = tables_dir / f"{NAME}.{lang}.md"
        path.write_text("\n\n".join(sections) + "\n", encoding="utf-8")
        written.add(path)
    for stale in set(plots_dir.glob(f"{NAME}-*.svg")) - written:
        stale.unlink()
