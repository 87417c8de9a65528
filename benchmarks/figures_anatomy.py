"""The anatomy of one CPU epoch (`python -m benchmarks.anatomy`): stacked bars and tables, both languages.

Called by `python -m benchmarks.make_figures` with every parsed results/*.json; uses those whose
"benchmark" is "anatomy". Writes

    results/tables/anatomy.{zh,en}.md            (the page embeds it; a short note while none is measured)
    docs/assets/plots/anatomy-<machine>.{zh,en}.svg   (one stacked bar per thread count)

The slices come from epochs timed in the same turns (benchmarks/anatomy.py), one value per turn:
Python of modules and optimizer = seed - functional; autograd = functional - by_hand; arithmetic =
(by_hand on K times the data - by_hand) / (K - 1); fixed cost of the ops = by_hand - arithmetic. Each
slice is the median over the turns with its interquartile range; the sum of the slices is set
against the measured epoch and its interquartile range.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from benchmarks import stats
from benchmarks.figures_overheads import _style, fmt_int, fmt_spread, fmt_time, page_link, table

NAME = "anatomy"
LANGS = ("zh", "en")
SLICES = ("python", "autograd", "ops", "arithmetic")
COLORS = {"python": "C0", "autograd": "C1", "ops": "C2", "arithmetic": "C3"}

T = {
    "zh": {
        "none": "还没有提交 anatomy 的结果文件。在一台空闲的机器上运行 `python -m benchmarks.anatomy`，"
                "再运行 `python -m benchmarks.make_figures`，这里就会出现分解图和表格。",
        "stamp": "*测量机器：{cpu}（{p} 个物理核心、{l} 个逻辑处理器）；torch {torch}；日期：{date}；"
                 "数据文件：`{file}`*",
        "quick": "（`--quick` 快速运行的临时结果，只用来检查页面，不能引用）",
        "method": "每个时间都是 {n} 组交替测量的中位数，括号里是四分位距。",
        "threads": "{n} 个线程", "default": "（默认）",
        "python": "nn.Module 与优化器的 Python 代码", "autograd": "自动求导（记录计算图、backward() 与引擎）",
        "ops": "算子的固定开销（Python 绑定、分派器、分配）", "arithmetic": "计算本身（随数据量增长的部分）",
        "slice": "部分", "how": "怎样测出", "time": "每轮用时", "share": "占一轮",
        "how_python": "原始实验 − 函数式写法", "how_autograd": "函数式写法 − 手写梯度",
        "how_ops": "手写梯度 − 计算本身", "how_arithmetic": "（手写梯度在 {k} 倍数据上 − 手写梯度）÷ {k1}",
        "sum": "各部分之和 {s}；实测一轮 {e}：{verdict}。",
        "inside": "落在四分位距之内", "outside": "落在四分位距之外，差 {d}",
        "by_hand_speed": "手写梯度的一轮：速度是原始实验的 {v} 倍（95 % 置信区间 {lo}–{hi}）。",
        "by_hand_none": "手写梯度的一轮与原始实验无可测量的差异（95 % 置信区间 {lo}–{hi}）。",
        "per_call": "手写梯度的一轮从 Python 调用 {n} 个 ATen 算子，扣除计算本身后平均每个 {c}。"
                    "单独测量时，一个计算的算子（`add_`，1 个元素）用时 {add}，"
                    "一个只改元数据的算子（`t`）{t}，"
                    "一次 NumPy 调用（`np.add`，1 个元素）{np}；{ratio}。",
        "ratio": "NumPy 调用的速度是 PyTorch 算子的 {v} 倍（95 % 置信区间 {lo}–{hi}）",
        "no_ratio": "两者无可测量的差异（95 % 置信区间 {lo}–{hi}）",
        "floor": "矩阵乘法的 {f} 次浮点运算，按这台 CPU 做大矩阵乘法的速度（{rate} GFLOP/s）只需 {t}，"
                 "占一轮的 {share}（理论下限）。",
        "alone": "把手写梯度的 {n} 个调用逐个单独计时，加起来是 {s}；手写梯度的一轮实测 {e}。",
        "ops_title": "手写梯度的每个调用单独计时",
        "op": "调用", "per": "每次用时",
        "profile_title": "torch.profiler 看到的一轮（原始实验，按阶段）",
        "phase": "阶段", "ranged": "阶段用时（含分析器自身开销）", "aten": "ATen 算子（含嵌套）",
        "top": "顶层算子", "in_ops": "其中在顶层算子内", "outside_ops": "算子之外（Python 与自动求导的簿记）",
        "profiled": "分析器下这一轮共 {p}，不开分析器时 {e}：分析器自己的开销也算进了每个算子。",
        "self_title": "key_averages：自身用时最多的 ATen 算子",
        "count": "次数", "self": "自身用时",
        "plot_title": "一轮 CPU 训练的用时分解（原始实验，Iris）",
        "plot_x": "每轮用时（µs）", "measured": "实测一轮（中位数与四分位距）",
        "alt": "堆叠条形图：{m} 上一轮训练的用时分解为 nn.Module 与优化器的 Python 代码、自动求导、"
               "算子的固定开销和计算本身，每种线程数一条",
    },
    "en": {
        "none": "No anatomy result file is committed yet. Run `python -m benchmarks.anatomy` on an idle "
                "machine, then `python -m benchmarks.make_figures`, and the breakdown appears here.",
        "stamp": "*Measured on: {cpu} ({p} physical cores, {l} logical CPUs); torch {torch}; date: {date}; "
                 "data file: `{file}`*",
        "quick": "(a provisional `--quick` result that only checks the page; do not cite it)",
        "method": "Every time is the median of {n} turns measured in alternation, the interquartile range "
                  "in brackets.",
        "threads": "{n} thread{s}", "default": " (default)",
        "python": "Python code of nn.Module and the optimizer",
        "autograd": "autograd (recording the graph, backward() and its engine)",
        "ops": "fixed cost of the ops (Python binding, dispatcher, allocation)",
        "arithmetic": "arithmetic (the part that grows with the data)",
        "slice": "slice", "how": "measured as", "time": "per epoch", "share": "share of the epoch",
        "how_python": "seed − functional", "how_autograd": "functional − by hand",
        "how_ops": "by hand − arithmetic", "how_arithmetic": "(by hand on {k}× the data − by hand) ÷ {k1}",
        "sum": "Sum of the slices {s}; measured epoch {e}: {verdict}.",
        "inside": "within the interquartile range", "outside": "outside the interquartile range, by {d}",
        "by_hand_speed": "The epoch with gradients by hand: {v}× the seed loop's speed (95 % CI {lo}–{hi}).",
        "by_hand_none": "The epoch with gradients by hand: no measurable difference from the seed loop "
                        "(95 % CI {lo}–{hi}).",
        "per_call": "The epoch by hand calls {n} ATen ops from Python; less the arithmetic, each costs {c} "
                    "on average. Timed alone, an op that computes (`add_`, 1 element) takes {add}, an op "
                    "that only changes metadata (`t`) {t}, and a NumPy call (`np.add`, 1 element) {np}; "
                    "{ratio}.",
        "ratio": "the NumPy call runs at {v}× the PyTorch op's speed (95 % CI {lo}–{hi})",
        "no_ratio": "the two show no measurable difference (95 % CI {lo}–{hi})",
        "floor": "The matrix products' {f} floating-point operations, at this CPU's large-matmul rate "
                 "({rate} GFLOP/s), need {t}: {share} of the epoch (the arithmetic floor).",
        "alone": "The {n} calls of the epoch by hand, each timed alone, add up to {s}; the epoch by hand "
                 "measures {e}.",
        "ops_title": "Each call of the epoch by hand, timed alone",
        "op": "call", "per": "per call",
        "profile_title": "One epoch as torch.profiler sees it (seed loop, by phase)",
        "phase": "phase", "ranged": "phase time (profiler's own cost included)", "aten": "ATen ops (nested)",
        "top": "top-level ops", "in_ops": "of it inside top-level ops",
        "outside_ops": "outside the ops (Python and autograd bookkeeping)",
        "profiled": "Profiled, this epoch took {p} in all; unprofiled, {e}: the profiler's own cost lands "
                    "in every op.",
        "self_title": "key_averages: the ATen ops with the most self time",
        "count": "calls", "self": "self time",
        "plot_title": "Where one CPU training epoch goes (seed loop, Iris)",
        "plot_x": "time per epoch (µs)", "measured": "measured epoch (median and IQR)",
        "alt": "Stacked bar chart: one training epoch on {m} split into the Python code of nn.Module and the "
               "optimizer, autograd, the fixed cost of the ops and the arithmetic, one bar per thread count",
    },
}


def _pct(value: float) -> str:
    return f"{value:.1%}" if abs(value) < 0.1 else f"{value:.0%}"


def slices(variant: dict) -> dict:
    """Per slice: the per-turn values (seconds), from the epochs measured in the same turns."""
    e = {name: d["epoch_rounds_s"] for name, d in variant["epochs"].items()}
    k = variant["scale"]
    seed, functional, by_hand, big = e["seed"], e["functional"], e["by_hand"], e[f"by_hand_x{k}"]
    arithmetic = [(b - h) / (k - 1) for b, h in zip(big, by_hand, strict=True)]
    return {"python": [s - f for s, f in zip(seed, functional, strict=True)],
            "autograd": [f - h for f, h in zip(functional, by_hand, strict=True)],
            "ops": [h - a for h, a in zip(by_hand, arithmetic, strict=True)],
            "arithmetic": arithmetic}


def label(variant: dict, default: int, lang: str) -> str:
    t, n = T[lang], variant["threads"]
    return t["threads"].format(n=n, s="" if n == 1 else "s") + (t["default"] if n == default else "")


def plot(result: dict, lang: str, path: Path) -> None:
    t, variants = T[lang], result["results"]["variants"]
    default = result["stamp"].get("torch_threads")
    with plt.rc_context(_style(lang)):
        fig, ax = plt.subplots(figsize=(7, 1.2 + 0.9 * len(variants)))
        for row, variant in enumerate(variants):
            left = 0.0
            for name, values in slices(variant).items():
                width = max(stats.median(values) * 1e6, 0.0)  # noise can make a slice negative
                ax.barh(row, width, left=left, color=COLORS[name], label=t[name] if row == 0 else None)
                left += width
            seed = variant["epochs"]["seed"]["epoch_rounds_s"]
            low, high = stats.iqr(seed)
            middle = stats.median(seed) * 1e6
            ax.errorbar([middle], [row + 0.45], xerr=[[middle - low * 1e6], [high * 1e6 - middle]], fmt="v",
                        color="black", capsize=3, label=t["measured"] if row == 0 else None)
        ax.set_yticks(range(len(variants)), [label(v, default, lang) for v in variants])
        ax.set_ylim(-0.6, len(variants) - 0.2)
        ax.set_xlabel(t["plot_x"])
        stamp = result["stamp"]
        ax.set_title(f"{t['plot_title']}\n{stamp.get('cpu')}; torch {stamp.get('torch')}; {stamp.get('date')}"
                     + (" (quick)" if result.get("quick") else ""), fontsize=10)
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.45 / len(variants)), ncol=2)
        fig.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight")
        plt.close(fig)


def variant_section(result: dict, variant: dict, lang: str) -> str:
    t, r = T[lang], result["results"]
    default = result["stamp"].get("torch_threads")
    k = variant["scale"]
    seed = variant["epochs"]["seed"]
    seed_s = seed["epoch_s"]
    parts = [f"**{label(variant, default, lang)}**"]
    rows, total = [], 0.0
    found = slices(variant)
    for name in SLICES:
        values = found[name]
        value = stats.median(values)
        total += value
        how = t[f"how_{name}"].format(k=k, k1=k - 1)
        rows.append([t[name], how, fmt_spread({"x_s": value, "x_rounds_s": values}, "x", lang),
                     _pct(value / seed_s)])
    parts.append(table([t["slice"], t["how"], t["time"], t["share"]], rows))
    low, high = stats.iqr(seed["epoch_rounds_s"])
    verdict = t["inside"] if low <= total <= high else t["outside"].format(
        d=fmt_time(total - low if total < low else total - high))
    sentences = [t["sum"].format(s=fmt_time(total), e=fmt_spread(seed, "epoch", lang), verdict=verdict)]
    speed = stats.paired_ratio(seed["epoch_rounds_s"], variant["epochs"]["by_hand"]["epoch_rounds_s"])
    sentences.append((t["by_hand_speed"] if speed.measurable else t["by_hand_none"]).format(
        v=f"{speed.value:.2f}", lo=f"{speed.low:.2f}", hi=f"{speed.high:.2f}"))
    calls = r["counts"]["by_hand"]["top_level_ops"]
    tiny = variant["trivial_calls"]
    per_np = stats.paired_ratio(tiny["torch_add_"]["call_rounds_s"], tiny["numpy_add"]["call_rounds_s"])
    versus = (t["ratio"] if per_np.measurable else t["no_ratio"]).format(
        v=f"{per_np.value:.2f}", lo=f"{per_np.low:.2f}", hi=f"{per_np.high:.2f}")
    sentences.append(t["per_call"].format(
        n=calls, c=fmt_time(stats.median(found["ops"]) / calls),
        add=fmt_spread(tiny["torch_add_"], "call", lang), t=fmt_spread(tiny["torch_t"], "call", lang),
        np=fmt_spread(tiny["numpy_add"], "call", lang), ratio=versus))
    flops, rate = r["counts"]["flops"], variant["matmul_flops_per_s"]
    sentences.append(t["floor"].format(f=fmt_int(flops), rate=f"{rate / 1e9:.3g}", t=fmt_time(flops / rate),
                                       share=_pct(flops / rate / seed_s)))
    alone = sum(o["call_s"] for o in variant["ops_alone"])
    sentences.append(t["alone"].format(n=len(variant["ops_alone"]), s=fmt_time(alone),
                                       e=fmt_spread(variant["epochs"]["by_hand"], "epoch", lang)))
    parts.append(("" if lang == "zh" else " ").join(sentences))
    ops_rows = [[f"`{o['op']}`", fmt_spread(o, "call", lang)] for o in variant["ops_alone"]]
    parts.append(_folded(t["ops_title"], table([t["op"], t["per"]], ops_rows)))
    profile = variant["profile"]
    prof_rows = [[p["phase"], fmt_time(p["range_s"]), p["aten_ops"], p["top_level_ops"],
                  fmt_time(p["in_top_level_ops_s"]), fmt_time(p["range_s"] - p["in_top_level_ops_s"])]
                 for p in profile["phases"]]
    profiled = sum(p["range_s"] for p in profile["phases"])
    parts.append(_folded(t["profile_title"], table(
        [t["phase"], t["ranged"], t["aten"], t["top"], t["in_ops"], t["outside_ops"]], prof_rows)
        + "\n\n" + t["profiled"].format(p=fmt_time(profiled), e=fmt_spread(seed, "epoch", lang))
        + "\n\n" + table([f"{t['self_title']}", t["count"], t["self"]],
                         [[f"`{a['op']}`", a["count"], fmt_time(a["self_s"])]
                          for a in profile["self_time_by_op"][:8]])))
    return "\n\n".join(parts)


def _folded(title: str, body: str) -> str:
    """A collapsed pymdownx.details block: long tables stay out of the way on a phone."""
    return f'??? info "{title}"\n\n' + "\n".join(f"    {line}" if line else "" for line in body.split("\n"))


def fragment(result: dict, lang: str, plot_name: str) -> str:
    t, s = T[lang], result["stamp"]
    head = t["stamp"].format(cpu=s.get("cpu"), p=s.get("physical_cores"), l=s.get("logical_cpus"),
                             torch=s.get("torch"), date=s.get("date"), file=result["file"])
    if result.get("quick"):
        head += " " + t["quick"]
    parts = [head, t["method"].format(n=result["results"]["settings"]["turns"]),
             f"![{t['alt'].format(m=s.get('cpu'))}](assets/plots/{page_link(plot_name)})"]
    parts += [variant_section(result, v, lang) for v in result["results"]["variants"]]
    return "\n\n".join(parts)


def make(results: list[dict], plots_dir: Path, tables_dir: Path) -> None:
    mine = sorted((r for r in results if r.get("benchmark") == NAME), key=lambda r: r["file"])
    written: set[Path] = set()
    sections = {lang: [] for lang in LANGS}
    for result in mine:
        machine = Path(result["file"]).stem.removeprefix(f"{NAME}-")
        for lang in LANGS:
            name = f"{NAME}-{machine}.{lang}.svg"
            plot(result, lang, plots_dir / name)
            written.add(plots_dir / name)
            sections[lang].append(fragment(result, lang, name))
    for lang in LANGS:
        path = tables_dir / f"{NAME}.{lang}.md"
        path.write_text("\n\n".join(sections[lang] or [T[lang]["none"]]) + "\n", encoding="utf-8")
        written.add(path)
    for folder, pattern in ((plots_dir, f"{NAME}-*.svg"), (tables_dir, f"{NAME}.*.md")):
        for stale in set(folder.glob(pattern)) - written:
            stale.unlink()
