"""Tables and chart of the recipe race (results/race-*.json, written by benchmarks/race.py).

Called by `python -m benchmarks.make_figures` as make(results, plots_dir, tables_dir). Writes
results/tables/race.zh.md, results/tables/race.en.md, docs/assets/plots/race.zh.svg and race.en.svg.
Nothing here measures anything; every number comes from the result files.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.fonts import cjk_font

NAME = "race"
LANGS = ("zh", "en")
FULL_COMMAND = ("python -m benchmarks.race --device {device} --epochs 20000 "
                "--out results/race-{machine}.json")

TEXT = {
    "zh": {
        "seed": "1 原始实验的循环（基线）",
        "no_sync": "2 不逐轮同步",
        "fewer_launches": "3 更少的启动（融合的 SGD）",
        "one_thread": "4a 单线程",
        "compiled": "4b 编译整个训练步",
        "cuda_graph": "5a CUDA 图",
        "compiled_graphs": "5b 编译，reduce-overhead",
        "many_models": "6 同时训练 {models} 个模型（按每个模型计）",
        "numpy": "参照：NumPy（CPU）",
        "arithmetic": "参照：只做乘加",
        "header": ["配方", "秒", "µs/轮", "相对基线", "一次性开销（秒）", "合计（秒）", "最终损失",
                   "测试准确率"],
        "device": {"cpu": "CPU", "cuda": "GPU（CUDA）"},
        "stamp": "{device}：{hw}；Python {python}，torch {torch}{cuda}；{date} 测量",
        "hw_cpu": "{cpu}，{cores} 个物理核心，{logical} 个逻辑处理器，torch 使用 {threads} 个线程",
        "hw_gpu": "{gpu}；主机 CPU：{cpu}",
        "cuda": "，CUDA {cuda}",
        "source": "数据：`{file}`，由 `{command}` 生成。",
        "run": "{epochs} 轮，每次轮到一个配方时跑 {chunk} 轮，各配方轮流进行；µs/轮 取各段的中位数。"
               "“秒”是全部 {epochs} 轮的训练时间，一次性开销（编译、捕获）另列，“合计”是两者之和。",
        "quick": "**临时结果**：这是 `--quick` 短测，跑在繁忙的共享机器上，只为让页面能够构建。"
                 "不要引用这些数字；完整测量见下方命令。",
        "bound": "“只做乘加”：每轮 {macs} 次乘加（按层的形状计算），按本设备做 {size}×{size} 矩阵乘法时"
                 "测得的速度（每秒 {rate:.1f} G 次乘加）换算。这是算术本身的下限，实际做不到。",
        "fastest": "本次测量中最快的单模型框架配方：**{name}**，是基线的 {speedup:.1f} 倍"
                   "（每轮 {us:.1f} µs，基线 {base:.1f} µs）。",
        "batch": "同时训练 {models} 个模型时，折合每个模型每轮 {us:.2f} µs，是基线的 {speedup:.1f} 倍。",
        "skipped": "未参加：{items}。",
        "needs": "需要 {what}",
        "quick_skip": "`--quick` 或 `--no-compile` 跳过",
        "no_gpu": "**GPU：尚未测量。** 写作时没有可用的 GPU，这里不给出任何 GPU 数字。"
                  "在有 NVIDIA GPU 的机器上运行 `{command}`，再运行 `python -m benchmarks.make_figures`，"
                  "结果就会出现在这里。",
        "no_result": "还没有提交的比赛结果。",
        "axis": "每轮用时（µs，对数刻度；同时训练多个模型时按每个模型计）",
        "title": "Iris 多层感知机，每轮全批次训练的用时",
        "quick_tag": "（临时：--quick 短测）",
        "join": "",
    },
    "en": {
        "seed": "1 the seed's loop (baseline)",
        "no_sync": "2 no per-epoch sync",
        "fewer_launches": "3 fewer launches (fused SGD)",
        "one_thread": "4a one thread",
        "compiled": "4b compiled training step",
        "cuda_graph": "5a CUDA graph",
        "compiled_graphs": "5b compiled, reduce-overhead",
        "many_models": "6 {models} models at once (per model)",
        "numpy": "reference: NumPy (CPU)",
        "arithmetic": "reference: the arithmetic alone",
        "header": ["recipe", "s", "µs/epoch", "vs baseline", "one-time (s)", "total (s)", "final loss",
                   "test accuracy"],
        "device": {"cpu": "CPU", "cuda": "GPU (CUDA)"},
        "stamp": "{device}: {hw}; Python {python}, torch {torch}{cuda}; measured {date}",
        "hw_cpu": "{cpu}, {cores} physical cores, {logical} logical processors, "
                  "torch using {threads} threads",
        "hw_gpu": "{gpu}; host CPU: {cpu}",
        "cuda": ", CUDA {cuda}",
        "source": "Data: `{file}`, made by `{command}`.",
        "run": "{epochs} epochs, {chunk} per turn, the recipes taking turns; µs/epoch is the median over "
               "the turns. \"s\" is the training time of all {epochs} epochs; one-time costs (compiling, "
               "capturing) are listed apart, and \"total\" is the sum of the two.",
        "quick": "**Provisional**: a `--quick` short run on a busy shared machine, committed only so that "
                 "the page builds. Do not quote these numbers; the full measurement is the command below.",
        "bound": "\"The arithmetic alone\": {macs} multiply-adds per epoch (counted from the layer "
                 "shapes) at the speed this device multiplies {size}×{size} matrices "
                 "({rate:.1f} G multiply-adds per second, measured). A floor for the arithmetic itself, "
                 "not something any loop reaches.",
        "fastest": "Fastest single-model framework recipe in this run: **{name}**, {speedup:.1f}× the "
                   "baseline ({us:.1f} µs per epoch against {base:.1f} µs).",
        "batch": "Training {models} models at once costs {us:.2f} µs per model per epoch, {speedup:.1f}× "
                 "the baseline.",
        "skipped": "Not in this run: {items}.",
        "needs": "needs {what}",
        "quick_skip": "skipped by `--quick` or `--no-compile`",
        "no_gpu": "**GPU: not measured yet.** No GPU was available while this was written, so no GPU number "
                  "is given here. On a machine with an NVIDIA GPU run `{command}`, then "
                  "`python -m benchmarks.make_figures`, and the result appears here.",
        "no_result": "No race result has been committed yet.",
        "axis": "time per epoch (µs, log scale; per model when many train at once)",
        "title": "Iris MLP, time per full-batch training epoch",
        "quick_tag": " (provisional: --quick short run)",
        "join": " ",
    },
}
SINGLE_MODEL = ("no_sync", "fewer_launches", "one_thread", "compiled", "cuda_graph", "compiled_graphs")


def race_results(results: list[dict]) -> list[dict]:
    """The race result files, CPU before GPU."""
    found = [r for r in results if r.get("benchmark") == NAME]
    return sorted(found, key=lambda r: (r["results"]["device"] != "cpu", r.get("file", "")))


def label(name: str, lang: str, models: int = 1) -> str:
    return TEXT[lang][name].format(models=models)


def stamp_line(data: dict, lang: str) -> str:
    t, s = TEXT[lang], data["stamp"]
    device = data["results"]["device"]
    hw = t["hw_cpu"].format(cpu=s["cpu"], cores=s["physical_cores"], logical=s["logical_cpus"],
                            threads=s["torch_threads"])
    if device == "cuda":
        hw = t["hw_gpu"].format(gpu=s["gpu"], cpu=s["cpu"])
    cuda = t["cuda"].format(cuda=s["cuda"]) if s.get("cuda") else ""
    return t["stamp"].format(device=t["device"][device], hw=hw, python=s["python"], torch=s["torch"],
                             cuda=cuda, date=s["date"])


def fastest_single(data: dict) -> dict:
    rows = [r for r in data["results"]["recipes"] if r["name"] in SINGLE_MODEL]
    return min(rows, key=lambda r: r["us_per_model_epoch"])


def table(data: dict, lang: str) -> str:
    t, res = TEXT[lang], data["results"]
    lines = [f"**{stamp_line(data, lang)}**", ""]
    if data.get("quick"):
        lines += [t["quick"], ""]
    lines += ["| " + " | ".join(t["header"]) + " |", "|---|" + "---:|" * (len(t["header"]) - 1)]
    for row in res["recipes"]:
        per = row["models"]  # many models at once: every time column per model
        lines.append(
            f"| {label(row['name'], lang, per)} | {row['seconds'] / per:.2f} | "
            f"{row['us_per_model_epoch']:.1f} | {row['speedup']:.2f}× | {row['setup_s'] / per:.2f} | "
            f"{row['total_s'] / per:.2f} | {row['final_loss']:.4f} | {row['accuracy']:.3f} |")
    bound = res["arithmetic"]
    lines.append(f"| {label('arithmetic', lang)} | | {bound['us_per_epoch']:.3f} | "
                 f"{bound['speedup']:.0f}× | | | | |")
    best = fastest_single(data)
    batch = next((r for r in res["recipes"] if r["name"] == "many_models"), None)
    lines += ["", t["fastest"].format(name=label(best["name"], lang), speedup=best["speedup"],
                                      us=best["us_per_model_epoch"],
                                      base=res["recipes"][0]["us_per_model_epoch"])]
    if batch:
        lines[-1] += t["join"] + t["batch"].format(models=batch["models"], us=batch["us_per_model_epoch"],
                                             speedup=batch["speedup"])
    lines += ["", t["run"].format(epochs=res["epochs"], chunk=res["chunk"]) + t["join"]
              + t["bound"].format(macs=bound["macs_per_epoch"], size=bound["matmul_size"],
                                  rate=bound["macs_per_s"] / 1e9)]
    if res["skipped"]:
        items = [f"{label(s['name'], lang)}（{reason(s, lang)}）" if lang == "zh"
                 else f"{label(s['name'], lang)} ({reason(s, lang)})" for s in res["skipped"]]
        lines += ["", t["skipped"].format(items="；".join(items) if lang == "zh" else "; ".join(items))]
    lines += ["", t["source"].format(file=data.get("file", "?"), command=data["command"])]
    return "\n".join(lines)


def reason(skip: dict, lang: str) -> str:
    if skip["reason"].startswith("needs "):
        return TEXT[lang]["needs"].format(what=skip["reason"].removeprefix("needs "))
    return TEXT[lang]["quick_skip"]


def tables(results: list[dict], lang: str) -> str:
    t = TEXT[lang]
    found = race_results(results)
    parts = [table(data, lang) for data in found] or [t["no_result"]]
    if not any(d["results"]["device"] == "cuda" for d in found):
        command = FULL_COMMAND.format(device="cuda", machine="cuda-<gpu>")
        parts.append(t["no_gpu"].format(command=command))
    return "\n\n".join(parts) + "\n"


def plot(results: list[dict], lang: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = TEXT[lang]
    found = race_results(results)
    cjk = cjk_font()  # Chinese labels would show as boxes without one
    family = [cjk, "DejaVu Sans"] if cjk else ["DejaVu Sans"]
    with plt.rc_context({"font.family": family, "svg.hashsalt": NAME, "axes.unicode_minus": False}):
        heights = [len(d["results"]["recipes"]) + 1 for d in found] or [1]
        fig, axes = plt.subplots(len(heights), 1, figsize=(9, 1.2 + 0.42 * sum(heights) + 0.9 * len(heights)),
                                 height_ratios=heights, squeeze=False)
        for ax, data in zip(axes[:, 0], found, strict=False):
            res = data["results"]
            rows = [(label(r["name"], lang, r["models"]), r["us_per_model_epoch"], r["name"])
                    for r in res["recipes"]]
            rows.append((label("arithmetic", lang), res["arithmetic"]["us_per_epoch"], "arithmetic"))
            names, values, kinds = zip(*rows, strict=True)
            colours = ["#9e9e9e" if k in ("numpy", "arithmetic") else "#ff7043" if k == "seed"
                       else "#3f51b5" for k in kinds]
            positions = range(len(rows))[::-1]
            ax.barh(list(positions), values, color=colours)
            ax.set_yticks(list(positions), names)
            ax.set_xscale("log")
            for y, value in zip(positions, values, strict=True):
                ax.text(value * 1.08, y, f"{value:.0f}" if value >= 100 else f"{value:.3g}", va="center",
                        fontsize=8)
            ax.set_xlim(min(values) / 2, max(values) * 4)
            ax.set_title(stamp_line(data, lang) + (t["quick_tag"] if data.get("quick") else ""),
                         fontsize=8, loc="left", wrap=True)
            ax.set_xlabel(t["axis"], fontsize=9)
            ax.tick_params(labelsize=8)
        if not found:
            axes[0, 0].text(0.5, 0.5, t["no_result"], ha="center", va="center")
            axes[0, 0].set_axis_off()
        fig.suptitle(t["title"], fontsize=11, x=0.01, ha="left")
        fig.tight_layout()
        fig.savefig(path, format=path.suffix[1:], metadata={"Date": None} if path.suffix == ".svg" else None)
        plt.close(fig)


def make(results: list[dict], plots_dir: Path, tables_dir: Path) -> None:
    for lang in LANGS:
        (Path(tables_dir) / f"{NAME}.{lang}.md").write_text(tables(results, lang), encoding="utf-8")
        # race.zh.svg / race.en.svg: mkdocs-static-i18n serves each as assets/plots/race.svg in its
        # own language's build, so both pages link "assets/plots/race.svg". (With
        # fallback_to_default: false, a file without a language suffix is not copied into the
        # English build, so "race-en.svg" would be missing there.)
        plot(results, lang, Path(plots_dir) / f"{NAME}.{lang}.svg")
