"""Tables and chart of the recipe race (results/race-*.json, written by benchmarks/race.py).

Called by `python -m benchmarks.make_figures` as make(results, plots_dir, tables_dir). Writes
results/tables/race.zh.md, results/tables/race.en.md, docs/assets/plots/race.zh.svg and race.en.svg.
Nothing here measures anything; every number comes from the result files. The spreads (IQR, paired
95 % intervals), end-to-end totals, break-even epochs and winners are derived from each file's
per-turn values by benchmarks.race.spreads, so files written before those fields existed work too.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.fonts import cjk_font
from benchmarks.race import ONE_TIME_NAMES, SEED_EPOCHS, spreads
from benchmarks.stats import Ratio, median, paired_ratio

NAME = "race"
LANGS = ("zh", "en")
FULL_COMMAND = ("python -m benchmarks.race --device {device} --epochs 20000 "
                "--out results/race-{machine}.json")

TEXT = {
    "zh": {
        "seed": "1 原始实验的循环（基线）",
        "no_sync": "2 不逐轮同步",
        "fewer_launches": "3 融合的 SGD（更少的启动）",
        "one_thread": "4a 单线程",
        "compiled": "4b 编译整个训练步",
        "cuda_graph": "5a CUDA 图",
        "compiled_graphs": "5b 编译，reduce-overhead",
        "many_models": "6 同时训练 {models} 个模型（按每个模型计）",
        "by_hand": "7a 手写梯度，不用自动求导",
        "by_hand_compiled": "7b 编译手写的训练步",
        "by_hand_compiled_10": "7c 同 7b，每次调用训练 10 轮",
        "numpy": "参照：NumPy（CPU）",
        "arithmetic": "参照：只做乘加",
        "header": ["配方", "µs/轮：中位数（四分位距）", "速度是基线的几倍（95 % 置信区间）",
                   "20 000 轮端到端（秒）"],
        "compile_header": ["配方", "一次性开销（秒）", "回本所需轮数",
                           "端到端速度是基线的几倍（95 % 置信区间）"],
        "compile_title": "一次性开销、回本轮数和端到端速度",
        "compile_intro": "回本轮数 = 一次性开销 ÷ 每轮比基线省下的时间。一次性开销一栏先写比赛进程中的用时；"
                         "测过新进程时，再写新进程中空缓存（冷）和缓存已热（热）的用时。",
        "baseline": "基线",
        "speed": "{v} 倍（{lo}–{hi}）",
        "same": "无可测量的差异（{lo}–{hi}）",
        "never": "不回本",
        "cold_warm": "{race}；冷 {cold}，热 {warm}",
        "not_measured": "—",
        "device": {"cpu": "CPU", "cuda": "GPU（CUDA）"},
        "stamp": "{device}：{hw}；Python {python}，torch {torch}{cuda}；{date} 测量",
        "hw_cpu": "{cpu}，{cores} 个物理核心，{logical} 个逻辑处理器，torch 使用 {threads} 个线程",
        "hw_gpu": "{gpu}；主机 CPU：{cpu}",
        "cuda": "，CUDA {cuda}",
        "source": "数据：`{file}`，由 `{command}` 生成。",
        "run": "共 {epochs} 轮，各配方交替运行，每段 {chunk} 轮；µs/轮 取各段的中位数，括号里是四分位距。"
               "速度是基线每轮用时与该配方每轮用时之比，区间是按段配对的自助法 95 % 置信区间；"
               "区间包含 1 时记为无可测量的差异。"
               "端到端是训练原始实验的 {seed_epochs} 轮所需的时间：每轮用时乘以轮数，"
               "再加上一次性开销（编译、捕获）。",
        "one_time_race": "一次性开销在比赛进程中测得：编译缓存为空，编译器已经加载。",
        "one_time_old": "一次性开销在比赛进程中测得，第一次编译还包括加载编译器的时间。",
        "one_time_cold": "编译一栏取新进程、空缓存时的用时（读者第一次运行时付出的代价）；"
                         "缓存已热时的用时见下表。",
        "quick": "**临时结果**：这是 `--quick` 短测，跑在繁忙的共享机器上，只为让页面能够构建。"
                 "不要引用这些数字；完整测量见下方命令。",
        "bound": "“只做乘加”：每轮 {macs} 次乘加（按层的形状计算），按本设备做 {size}×{size} 矩阵乘法时"
                 "测得的速度（每秒约 {rate}次乘加）换算。这是计算本身的理论下限，实际做不到。",
        "fastest": "**每轮最快**的单模型 PyTorch 配方：{name}，每轮 {us} µs，速度{speed}。",
        "fastest_e2e": "**{seed_epochs} 轮端到端最快**（含一次性开销）：{name}，共 {total} 秒，速度{speed}。",
        "speed_sentence": "是基线的 {v} 倍（95 % 置信区间 {lo}–{hi}）",
        "same_sentence": "与基线无可测量的差异（95 % 置信区间 {lo}–{hi}）",
        "batch": "同时训练 {models} 个模型时，折合每个模型每轮 {us} µs，速度是基线的 {v} 倍。",
        "numpy_faster": "与参照点相比：NumPy 的速度是{name}的 {v} 倍（95 % 置信区间 {lo}–{hi}）；",
        "numpy_slower": "与参照点相比：{name}的速度是 NumPy 的 {v} 倍（95 % 置信区间 {lo}–{hi}）；",
        "numpy_same": "与参照点相比：{name}与 NumPy 无可测量的差异（95 % 置信区间 {lo}–{hi}）；",
        "floor": "只做乘加的理论下限，速度是它的 {v} 倍（下限只测一次，没有区间）。",
        "compiled_pays": "编译 7a 的训练步：{name}的速度是不编译时的 {v} 倍（95 % 置信区间 {lo}–{hi}），"
                         "一次性开销在 {epochs} 轮后回本。",
        "compiled_never": "编译 7a 的训练步：{name}的速度是不编译时的 {v} 倍（95 % 置信区间 {lo}–{hi}），"
                          "没有省下时间，一次性开销永远收不回来。",
        "compiled_same": "编译 7a 的训练步：{name}与不编译时无可测量的差异（{lo}–{hi}），一次性开销白花了。",
        "all_same": "各配方的最终损失都是 {loss}，测试准确率都是 {acc}，与基线相同。",
        "differ": "最终损失或测试准确率与基线不同的配方：{items}。",
        "skipped": "未参加：{items}。",
        "needs": {"CUDA": "需要 CUDA", "CPU": "只在 CPU 上参赛"},
        "quick_skip": "`--quick` 或 `--no-compile` 跳过",
        "no_gpu": "**GPU：尚未测量。** 在有 NVIDIA GPU 的机器上运行 `{command}`，再运行 "
                  "`python -m benchmarks.make_figures`，结果就会出现在这里。",
        "no_result": "还没有比赛的结果文件。",
        "axis": "每轮用时（µs，对数刻度；误差线为四分位距；多模型按每个模型计）",
        "axis_e2e": "{seed_epochs} 轮端到端（秒，对数刻度）",
        "legend_train": "训练",
        "legend_once": "一次性开销",
        "title": "Iris 多层感知机：每轮用时，以及训练 {seed_epochs} 轮的总用时",
        "quick_tag": "（临时：--quick 短测）",
        "named": "配方 {number}（{what}）",
        "seed_named": "基线（原始实验的循环）",
        "sum_cpu": "**CPU：{cpu}，torch {torch}，{date} 测量**",
        "sum_gpu": "**{gpu}，及同一台主机的 CPU：torch {torch}，{date} 测量**",
        "sum_fastest": "每轮最快的单模型 PyTorch 配方：{name}，速度{speed}。",
        "sum_e2e": "训练原始实验的 {seed_epochs} 轮、连一次性开销一起算，最快的是{name}，速度{speed}。",
        "sum_by_hand": "手写梯度（配方 7a），不编译、没有一次性开销：速度{speed}。",
        "sum_no_by_hand": "配方 7a–7c 还没有在这台机器上测量（结果文件早于它们）。",
        "sum_numpy": "NumPy 做同样的计算，速度{speed}：CPU 上的原始循环，大部分时间也花在框架上。",
        "sum_host": "原始循环：同一台主机上，CPU 的速度是 GPU 的 {v} 倍（95 % 置信区间 {lo}–{hi}）。",
        "sum_graph": "CUDA 图（配方 5a）：速度是 GPU 上原始循环的 {v} 倍（95 % 置信区间 {lo}–{hi}），"
                     "也是同一主机 CPU 上原始循环的 {v2} 倍（95 % 置信区间 {lo2}–{hi2}）。",
        "sum_no_sync": "不逐轮同步（配方 2）：速度是 GPU 上原始循环的 {v} 倍（95 % 置信区间 {lo}–{hi}）。",
        "sum_no_sync_same": "不逐轮同步（配方 2）：与 GPU 上的原始循环无可测量的差异"
                            "（95 % 置信区间 {lo}–{hi}）。",
        "sum_fused": "融合的 SGD（配方 3）：在 GPU 上，速度是配方 2 的 {v} 倍（95 % 置信区间 {lo}–{hi}）。",
        "sum_fused_same": "融合的 SGD（配方 3）：在 GPU 上与配方 2 无可测量的差异"
                          "（95 % 置信区间 {lo}–{hi}）。",
        "sum_many": "同时训练 {models} 个模型（配方 6）：折合每个模型，速度是 GPU 上原始循环的 {v} 倍。",
        "sum_across": "GPU 与 CPU 的比较来自同一台主机上先后两次运行，区间由两次运行的各段重抽样得到。",
        "sum_none": "还没有比赛的结果文件。",
        "sep": "；",
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
        "many_models": "6 training {models} models at once (per model)",
        "by_hand": "7a gradients by hand, no autograd",
        "by_hand_compiled": "7b the hand-written step compiled",
        "by_hand_compiled_10": "7c as 7b, 10 epochs per call",
        "numpy": "reference: NumPy (CPU)",
        "arithmetic": "reference: the arithmetic alone",
        "header": ["recipe", "µs/epoch: median (IQR)", "speed: × the baseline's (95 % CI)",
                   "20 000 epochs end to end (s)"],
        "compile_header": ["recipe", "one-time cost (s)", "epochs to break even",
                           "end-to-end speed: × the baseline's (95 % CI)"],
        "compile_title": "One-time costs, break-even and end-to-end speed",
        "compile_intro": "Epochs to break even = one-time cost ÷ time saved per epoch against the baseline. "
                         "The one-time cost is the race process's; where fresh processes were timed too, "
                         "with an empty cache (cold) and with a warm one (warm) after it.",
        "baseline": "baseline",
        "speed": "{v}× ({lo}–{hi})",
        "same": "no measurable difference ({lo}–{hi})",
        "never": "never",
        "cold_warm": "{race}; cold {cold}, warm {warm}",
        "not_measured": "—",
        "device": {"cpu": "CPU", "cuda": "GPU (CUDA)"},
        "stamp": "{device}: {hw}; Python {python}, torch {torch}{cuda}; measured {date}",
        "hw_cpu": "{cpu}, {cores} physical cores, {logical} logical processors, "
                  "torch using {threads} threads",
        "hw_gpu": "{gpu}; host CPU: {cpu}",
        "cuda": ", CUDA {cuda}",
        "source": "Data: `{file}`, made by `{command}`.",
        "run": "{epochs} epochs, the recipes taking turns, {chunk} epochs per turn; µs/epoch is the median "
               "over the turns, with the interquartile range in brackets. Speed is the baseline's time per "
               "epoch divided by the recipe's, with a paired bootstrap 95 % interval over the turns; an "
               "interval that holds 1 is no measurable difference. End to end is the time to train the "
               "seed's {seed_epochs} epochs: the time per epoch times the epochs, plus the one-time cost "
               "(compiling, capturing).",
        "one_time_race": "One-time costs were measured in the race's process, with an empty compile cache "
                         "and the compiler already loaded.",
        "one_time_old": "One-time costs were measured in the race's process; the first compile also loaded "
                        "the compiler.",
        "one_time_cold": "For the compiles, the column holds the time in a fresh process with an empty cache "
                         "(what a reader pays on a first run); with a warm cache, see the table below.",
        "quick": "**Provisional**: a `--quick` short run on a busy shared machine, kept only so that "
                 "the page builds. Do not quote these numbers; the full measurement is the command below.",
        "bound": "\"The arithmetic alone\": {macs} multiply-adds per epoch (counted from the layer "
                 "shapes) at the speed this device multiplies {size}×{size} matrices "
                 "({rate} multiply-adds per second, measured). The arithmetic floor: a bound for the "
                 "arithmetic itself, not something any loop reaches.",
        "fastest": "**Fastest per epoch** among single-model PyTorch recipes: {name}, {us} µs per epoch, "
                   "{speed}.",
        "fastest_e2e": "**Fastest end to end** for {seed_epochs} epochs (one-time costs included): {name}, "
                       "{total} s in all, {speed}.",
        "speed_sentence": "{v}× the baseline's speed (95 % CI {lo}–{hi})",
        "same_sentence": "no measurable difference from the baseline (95 % CI {lo}–{hi})",
        "batch": "Training {models} models at once costs {us} µs per model per epoch, {v}× the baseline's "
                 "speed.",
        "numpy_faster": "Against the reference points: NumPy runs at {v}× the speed of {name} "
                        "(95 % CI {lo}–{hi});",
        "numpy_slower": "Against the reference points: {name} runs at {v}× NumPy's speed "
                        "(95 % CI {lo}–{hi});",
        "numpy_same": "Against the reference points: {name} and NumPy show no measurable difference "
                      "(95 % CI {lo}–{hi});",
        "floor": "the arithmetic floor is {v}× its speed (the floor is one measurement, without an "
                 "interval).",
        "compiled_pays": "Compiling 7a's step: {name} runs at {v}× the uncompiled step's speed "
                         "(95 % CI {lo}–{hi}), and its one-time cost is paid back after {epochs} epochs.",
        "compiled_never": "Compiling 7a's step: {name} runs at {v}× the uncompiled step's speed "
                          "(95 % CI {lo}–{hi}): it saves no time, so its one-time cost is never paid back.",
        "compiled_same": "Compiling 7a's step: {name} shows no measurable difference from the uncompiled "
                         "step ({lo}–{hi}); its one-time cost buys nothing.",
        "all_same": "Every recipe ends with the loss {loss} and the test accuracy {acc}, the baseline's.",
        "differ": "Recipes whose final loss or test accuracy differ from the baseline's: {items}.",
        "skipped": "Not in this run: {items}.",
        "needs": {"CUDA": "needs CUDA", "CPU": "raced on the CPU only"},
        "quick_skip": "skipped by `--quick` or `--no-compile`",
        "no_gpu": "**GPU: not measured yet.** On a machine with an NVIDIA GPU run `{command}`, then "
                  "`python -m benchmarks.make_figures`, and the result appears here.",
        "no_result": "No race result file yet.",
        "axis": "time per epoch (µs, log scale; bars: IQR; per model when many train at once)",
        "axis_e2e": "{seed_epochs} epochs end to end (s, log scale)",
        "legend_train": "training",
        "legend_once": "one-time cost",
        "title": "Iris MLP: time per epoch, and in all for {seed_epochs} epochs",
        "quick_tag": " (provisional: --quick short run)",
        "named": "recipe {number} ({what})",
        "seed_named": "the baseline (the seed's loop)",
        "sum_cpu": "**CPU: {cpu}, torch {torch}, measured {date}**",
        "sum_gpu": "**{gpu}, and the same host's CPU: torch {torch}, measured {date}**",
        "sum_fastest": "Fastest per epoch among single-model PyTorch recipes: {name}, {speed}.",
        "sum_e2e": "Fastest for the seed's {seed_epochs} epochs, one-time costs included: {name}, {speed}.",
        "sum_by_hand": "Gradients by hand (recipe 7a), nothing compiled, no one-time cost: {speed}.",
        "sum_no_by_hand": "Recipes 7a–7c have not been measured on this machine yet (the result file "
                          "predates them).",
        "sum_numpy": "NumPy, doing the same arithmetic: {speed}. The seed's loop on the CPU, too, spends "
                     "most of its time in the framework.",
        "sum_host": "The seed's loop: the same host's CPU runs it at {v}× the GPU's speed "
                    "(95 % CI {lo}–{hi}).",
        "sum_graph": "CUDA graph (recipe 5a): {v}× the speed of the seed's loop on the GPU "
                     "(95 % CI {lo}–{hi}), {v2}× the speed of the seed's loop on the same host's CPU "
                     "(95 % CI {lo2}–{hi2}).",
        "sum_no_sync": "No per-epoch sync (recipe 2): {v}× the speed of the seed's loop on the GPU "
                       "(95 % CI {lo}–{hi}).",
        "sum_no_sync_same": "No per-epoch sync (recipe 2): no measurable difference from the seed's loop on "
                            "the GPU (95 % CI {lo}–{hi}).",
        "sum_fused": "Fused SGD (recipe 3): on the GPU, {v}× the speed of recipe 2 (95 % CI {lo}–{hi}).",
        "sum_fused_same": "Fused SGD (recipe 3): on the GPU, no measurable difference from recipe 2 "
                          "(95 % CI {lo}–{hi}).",
        "sum_many": "{models} models at once (recipe 6): per model, {v}× the speed of the seed's loop on "
                    "the GPU.",
        "sum_across": "GPU against CPU compares two runs made one after the other on the same host; the "
                      "intervals resample the turns of both.",
        "sum_none": "No race result file yet.",
        "sep": "; ",
        "join": " ",
    },
}


# ---------------------------------------------------------------- formatting
def group(n: float) -> str:
    """20000 -> '20 000' (a plain space, both languages)."""
    return f"{round(n):,}".replace(",", " ")


def num(value: float) -> str:
    """A time or a count: 1024.3 -> '1 024', 92.34 -> '92.3', 1.853 -> '1.85', 0.2082 -> '0.208'."""
    if abs(value) >= 100:
        return group(value)
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}" if abs(value) >= 1 else f"{value:.3g}"


def times(value: float) -> str:
    """A ratio: 2.974 -> '2.97', 13.08 -> '13.1', 1318 -> '1 318', 0.0791 -> '0.08'."""
    if value >= 100:
        return group(value)
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def ratio_parts(r: Ratio) -> dict:
    return {"v": times(r.value), "lo": times(r.low), "hi": times(r.high)}


def speed_cell(r: Ratio, lang: str) -> str:
    return TEXT[lang]["speed" if r.measurable else "same"].format(**ratio_parts(r))


def speed_sentence(r: Ratio, lang: str) -> str:
    return TEXT[lang]["speed_sentence" if r.measurable else "same_sentence"].format(**ratio_parts(r))


def race_results(results: list[dict]) -> list[dict]:
    """The race result files, CPU before GPU."""
    found = [r for r in results if r.get("benchmark") == NAME]
    return sorted(found, key=lambda r: (r["results"]["device"] != "cpu", r.get("file", "")))


def label(name: str, lang: str, models: int = 1) -> str:
    return TEXT[lang][name].format(models=group(models))


def per_second(value: float, lang: str) -> str:
    """Multiply-adds per second: '98.0 G' in English, '980 亿' in Chinese (万亿 from 10¹²)."""
    if lang != "zh":
        return f"{num(value / 1e9)} G"
    unit, scale = ("万亿", 1e12) if value >= 1e12 else ("亿", 1e8)
    n = value / scale
    return f"{n:.3g} {unit}" if n < 1000 else f"{group(float(f'{n:.3g}'))} {unit}"  # 3 digits, as '98.0 G'


def named(name: str, lang: str) -> str:
    """A recipe named inside a sentence: '配方 4b（编译整个训练步）', 'recipe 4b (compiled training step)'."""
    if name == "seed":
        return TEXT[lang]["seed_named"]
    number, _, what = label(name, lang).partition(" ")
    return TEXT[lang]["named"].format(number=number, what=what)


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


def md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------- tables
def main_table(data: dict, d: dict, lang: str) -> str:
    t, res = TEXT[lang], data["results"]
    rows = []
    for row in res["recipes"]:
        r = d["recipes"][row["name"]]
        low, high = r["iqr"]
        base = row["name"] == res["recipes"][0]["name"]
        rows.append([label(row["name"], lang, row["models"]),
                     f"{num(r['us'])}（{num(low)}–{num(high)}）" if lang == "zh"
                     else f"{num(r['us'])} ({num(low)}–{num(high)})",
                     t["baseline"] if base else speed_cell(r["speed"], lang), f"{r['end_to_end_s']:.2f}"])
    rows.append([label("arithmetic", lang), num(res["arithmetic"]["us_per_epoch"]), "", ""])
    return md_table(t["header"], rows)


def compile_table(data: dict, d: dict, lang: str) -> str | None:
    """The recipes with a one-time cost (compile, capture), in a folded note under the main table."""
    t, res = TEXT[lang], data["results"]
    rows = []
    for row in res["recipes"]:
        if row["name"] not in ONE_TIME_NAMES:
            continue
        r = d["recipes"][row["name"]]
        cold, warm = row.get("compile_cold_s"), row.get("compile_warm_s")
        once = f"{row['setup_s']:.2f}"
        if cold is not None:
            once = t["cold_warm"].format(race=once, cold=f"{cold:.2f}", warm=f"{warm:.2f}")
        if r["break_even"] is None:
            even = t["never"]
        elif cold is not None:
            even = t["cold_warm"].format(race=group(row["setup_s"] / (r["saving_us"] * 1e-6)),
                                         cold=group(r["break_even"]), warm=group(r["break_even_warm"]))
        else:
            even = group(r["break_even"])
        rows.append([label(row["name"], lang), once, even, speed_cell(r["end_to_end_speed"], lang)])
    if not rows:
        return None
    body = t["compile_intro"] + "\n\n" + md_table(t["compile_header"], rows)
    return f'??? note "{t["compile_title"]}"\n\n' + "\n".join(f"    {line}" if line else "" for line in
                                                             body.splitlines())


def summary(data: dict, d: dict, lang: str) -> list[str]:
    t, res = TEXT[lang], data["results"]
    models = {row["name"]: row["models"] for row in res["recipes"]}
    best, e2e = d["fastest_per_epoch"], d["fastest_end_to_end"]
    b, e = d["recipes"][best], d["recipes"][e2e]
    lines = [t["fastest"].format(name=named(best, lang), us=num(b["us"]),
                                 speed=speed_sentence(b["speed"], lang)),
             t["fastest_e2e"].format(seed_epochs=group(SEED_EPOCHS), name=named(e2e, lang),
                                     total=f"{e['end_to_end_s']:.2f}",
                                     speed=speed_sentence(e["end_to_end_speed"], lang))]
    if "many_models" in d["recipes"]:
        m = d["recipes"]["many_models"]
        lines.append(t["batch"].format(models=group(models["many_models"]), us=num(m["us"]),
                                       v=times(m["speed"].value)))
    if "numpy_vs_fastest" in d:
        r = d["numpy_vs_fastest"]  # the fastest recipe's time over NumPy's: above 1, NumPy is faster
        if not r.measurable:
            ref = t["numpy_same"].format(name=named(best, lang), **ratio_parts(r))
        elif r.value > 1:
            ref = t["numpy_faster"].format(name=named(best, lang), **ratio_parts(r))
        else:
            ref = t["numpy_slower"].format(name=named(best, lang), v=times(1 / r.value), lo=times(1 / r.high),
                                           hi=times(1 / r.low))
        lines.append(ref + t["join"] + t["floor"].format(v=times(d["floor_vs_fastest"])))
    for name, c in d.get("compiled_vs_by_hand", {}).items():
        r = c["speed"]
        if not r.measurable:
            lines.append(t["compiled_same"].format(name=named(name, lang), lo=times(r.low), hi=times(r.high)))
        else:
            key = "compiled_pays" if c["break_even"] is not None else "compiled_never"
            lines.append(t[key].format(name=named(name, lang), **ratio_parts(r),
                                       epochs=group(c["break_even"]) if c["break_even"] else ""))
    return lines


def outcome(data: dict, lang: str) -> str:
    t, rows = TEXT[lang], data["results"]["recipes"]
    base = rows[0]
    differ = [r for r in rows if f"{r['final_loss']:.4f}" != f"{base['final_loss']:.4f}"
              or f"{r['accuracy']:.3f}" != f"{base['accuracy']:.3f}"]
    if not differ:
        return t["all_same"].format(loss=f"{base['final_loss']:.4f}", acc=f"{base['accuracy']:.3f}")
    items = [f"{label(r['name'], lang, r['models'])} ({r['final_loss']:.4f}, {r['accuracy']:.3f})"
             for r in differ]
    return t["differ"].format(items=t["sep"].join(items))


def reason(skip: dict, lang: str) -> str:
    if skip["reason"].startswith("needs "):
        return TEXT[lang]["needs"][skip["reason"].removeprefix("needs ")]
    return TEXT[lang]["quick_skip"]


def table(data: dict, lang: str) -> str:
    t, res = TEXT[lang], data["results"]
    d = spreads(res)
    lines = [f"**{stamp_line(data, lang)}**", ""]
    if data.get("quick"):
        lines += [t["quick"], ""]
    lines += [main_table(data, d, lang), ""]
    lines += [f"- {line}" for line in summary(data, d, lang)] + [""]
    compiles = compile_table(data, d, lang)
    if compiles:
        lines += [compiles, ""]
    measured_cold = any(r.get("compile_cold_s") is not None for r in res["recipes"])
    bound = res["arithmetic"]
    lines += [t["join"].join([
        t["run"].format(epochs=group(res["epochs"]), chunk=group(res["chunk"]),
                        seed_epochs=group(SEED_EPOCHS)),
        t["one_time_race" if "summary" in res else "one_time_old"]
        + (t["join"] + t["one_time_cold"] if measured_cold else ""),
        outcome(data, lang),
        t["bound"].format(macs=group(bound["macs_per_epoch"]), size=bound["matmul_size"],
                          rate=per_second(bound["macs_per_s"], lang))])]
    if res["skipped"]:
        items = [f"{label(s['name'], lang)}（{reason(s, lang)}）" if lang == "zh"
                 else f"{label(s['name'], lang)} ({reason(s, lang)})" for s in res["skipped"]]
        lines += ["", t["skipped"].format(items=t["sep"].join(items))]
    lines += ["", t["source"].format(file=data.get("file", "?"), command=data["command"])]
    return "\n".join(lines)


def tables(results: list[dict], lang: str) -> str:
    t = TEXT[lang]
    found = race_results(results)
    parts = [table(data, lang) for data in found] or [t["no_result"]]
    if not any(d["results"]["device"] == "cuda" for d in found):
        command = FULL_COMMAND.format(device="cuda", machine="cuda-<gpu>")
        parts.append(t["no_gpu"].format(command=command))
    return "\n\n".join(parts) + "\n"


# ---------------------------------------------------------------- the headlines, for the chapter's top
def _per_model_turns(data: dict, name: str) -> list[float] | None:
    row = next((r for r in data["results"]["recipes"] if r["name"] == name), None)
    return None if row is None else [u / row["models"] for u in row["chunk_us"]]


def _across(a: list[float], b: list[float]) -> Ratio:
    """median(a) / median(b) for two runs: resampled turn by turn where both ran as many turns."""
    if len(a) == len(b) and len(a) > 1:
        return paired_ratio(a, b)
    value = median(a) / median(b)
    return Ratio(value, value, value)


def headlines(results: list[dict], lang: str) -> str:
    """The race's findings in a few lines: the site's CPU, and a GPU beside its own host's CPU."""
    t = TEXT[lang]
    found = race_results(results)
    parts = []
    for data in (d for d in found if d["results"]["device"] == "cpu" and not d["stamp"].get("gpu")):
        d, s = spreads(data["results"]), data["stamp"]
        best, e2e = d["fastest_per_epoch"], d["fastest_end_to_end"]
        speed = {name: speed_sentence(r["speed"], lang) for name, r in d["recipes"].items()}
        lines = [t["sum_fastest"].format(name=named(best, lang), speed=speed[best]),
                 t["sum_e2e"].format(seed_epochs=group(SEED_EPOCHS), name=named(e2e, lang),
                                     speed=speed_sentence(d["recipes"][e2e]["end_to_end_speed"], lang))]
        for name, key in (("by_hand", "sum_by_hand"), ("numpy", "sum_numpy")):
            if name in d["recipes"]:
                lines.append(t[key].format(speed=speed[name]))
            elif name == "by_hand":
                lines.append(t["sum_no_by_hand"])
        parts.append("\n".join([t["sum_cpu"].format(cpu=s["cpu"], torch=s["torch"], date=s["date"]), ""]
                               + [f"- {line}" for line in lines]))
    for gpu in (d for d in found if d["results"]["device"] == "cuda"):
        machine = (gpu["stamp"]["gpu"], gpu["stamp"]["cpu"])
        host = next((d for d in found if d["results"]["device"] == "cpu"
                     and (d["stamp"].get("gpu"), d["stamp"]["cpu"]) == machine), None)
        d, s = spreads(gpu["results"]), gpu["stamp"]
        turns = {name: _per_model_turns(gpu, name) for name in d["recipes"]}
        lines = []
        if host:
            host_seed = _per_model_turns(host, "seed")
            lines.append(t["sum_host"].format(**ratio_parts(_across(turns["seed"], host_seed))))
            if "cuda_graph" in turns:
                versus_cpu = ratio_parts(_across(host_seed, turns["cuda_graph"]))
                lines.append(t["sum_graph"].format(**ratio_parts(d["recipes"]["cuda_graph"]["speed"]),
                                                   **{k + "2": v for k, v in versus_cpu.items()}))
        if "no_sync" in turns:
            no_sync = d["recipes"]["no_sync"]["speed"]
            lines.append(t["sum_no_sync" if no_sync.measurable else "sum_no_sync_same"].format(
                **ratio_parts(no_sync)))
            if "fewer_launches" in turns:
                fused = paired_ratio(turns["no_sync"], turns["fewer_launches"])
                key = "sum_fused" if fused.measurable else "sum_fused_same"
                lines.append(t[key].format(**ratio_parts(fused)))
        if "many_models" in turns:
            models = next(r["models"] for r in gpu["results"]["recipes"] if r["name"] == "many_models")
            many = d["recipes"]["many_models"]["speed"]
            lines.append(t["sum_many"].format(models=group(models), v=times(many.value)))
        if host:
            lines.append(t["sum_across"])
        parts.append("\n".join([t["sum_gpu"].format(gpu=s["gpu"], torch=s["torch"], date=s["date"]), ""]
                               + [f"- {line}" for line in lines]))
    return "\n\n".join(parts or [t["sum_none"]]) + "\n"


# ---------------------------------------------------------------- plot
def plot(results: list[dict], lang: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    t = TEXT[lang]
    found = race_results(results)
    cjk = cjk_font()  # Chinese labels would show as boxes without one
    family = [cjk, "DejaVu Sans"] if cjk else ["DejaVu Sans"]
    with plt.rc_context({"font.family": family, "svg.hashsalt": NAME, "axes.unicode_minus": False,
                         "hatch.linewidth": 0.6}):
        heights = [len(d["results"]["recipes"]) + 1 for d in found] or [1]
        size = (10, 1.3 + 0.36 * sum(heights) + 1.0 * len(heights))
        fig, axes = plt.subplots(len(heights), 2, figsize=size,
                                 height_ratios=heights, width_ratios=[3, 2], squeeze=False, sharey="row")
        for (ax, ax2), data in zip(axes, found, strict=False):
            res = data["results"]
            d = spreads(res)
            rows = [(label(r["name"], lang, r["models"]), d["recipes"][r["name"]], r["name"])
                    for r in res["recipes"]]
            positions = list(range(len(rows) + 1))[::-1]
            kinds = [k for _, _, k in rows] + ["arithmetic"]
            colours = ["#9e9e9e" if k in ("numpy", "arithmetic") else "#ff7043" if k == "seed"
                       else "#3f51b5" for k in kinds]
            values = [r["us"] for _, r, _ in rows] + [res["arithmetic"]["us_per_epoch"]]
            errors = [[r["us"] - r["iqr"][0] for _, r, _ in rows] + [0],
                      [r["iqr"][1] - r["us"] for _, r, _ in rows] + [0]]
            ax.barh(positions, values, color=colours, xerr=errors,
                    error_kw={"ecolor": "#212121", "elinewidth": 0.8, "capsize": 2})
            ax.set_yticks(positions, [n for n, _, _ in rows] + [label("arithmetic", lang)])
            ax.set_xscale("log")
            for y, value, high in zip(positions, values, errors[1], strict=True):
                ax.text((value + high) * 1.12, y, num(value), va="center", fontsize=7)
            ax.set_xlim(min(values) / 2, max(values) * 6)
            ax.set_title(stamp_line(data, lang) + (t["quick_tag"] if data.get("quick") else ""),
                         fontsize=8, loc="left", wrap=True)
            ax.set_xlabel(t["axis"], fontsize=8)
            ax.tick_params(labelsize=8)
            # end to end: the training of the seed's epochs, then the one-time cost on top
            train = [r["end_to_end_s"] - r["one_time_s"] for _, r, _ in rows]
            once = [r["one_time_s"] for _, r, _ in rows]
            ax2.barh(positions[:-1], train, color=colours[:-1])
            hatched = {"facecolor": "white", "edgecolor": "#424242", "hatch": "////", "linewidth": 0.6}
            ax2.barh(positions[:-1], once, left=train, **hatched)
            ax2.set_xscale("log")
            totals = [a + b for a, b in zip(train, once, strict=True)]
            for y, total in zip(positions[:-1], totals, strict=True):
                ax2.text(total * 1.12, y, f"{total:.2f}", va="center", fontsize=7)
            ax2.set_xlim(min(train) / 2, max(totals) * 6)
            ax2.set_xlabel(t["axis_e2e"].format(seed_epochs=group(SEED_EPOCHS)), fontsize=8)
            ax2.tick_params(labelsize=8)
            ax2.legend([Patch(facecolor="#3f51b5"), Patch(**hatched)], [t["legend_train"], t["legend_once"]],
                       fontsize=7, loc="lower right", frameon=False)
        if not found:
            axes[0, 0].text(0.5, 0.5, t["no_result"], ha="center", va="center")
            axes[0, 0].set_axis_off()
            axes[0, 1].set_axis_off()
        fig.suptitle(t["title"].format(seed_epochs=group(SEED_EPOCHS)), fontsize=11, x=0.01, ha="left")
        fig.tight_layout()
        fig.savefig(path, format=path.suffix[1:], metadata={"Date": None} if path.suffix == ".svg" else None)
        plt.close(fig)


def make(results: list[dict], plots_dir: Path, tables_dir: Path) -> None:
    for lang in LANGS:
        (Path(tables_dir) / f"{NAME}.{lang}.md").write_text(tables(results, lang), encoding="utf-8")
        summary_file = Path(tables_dir) / f"{NAME}-summary.{lang}.md"
        summary_file.write_text(headlines(results, lang), encoding="utf-8")
        # race.zh.svg / race.en.svg: mkdocs-static-i18n serves each as assets/plots/race.svg in its
        # own language's build, so both pages link "assets/plots/race.svg". (With
        # fallback_to_default: false, a file without a language suffix is not copied into the
        # English build, so "race-en.svg" would be missing there.)
        plot(results, lang, Path(plots_dir) / f"{NAME}.{lang}.svg")
