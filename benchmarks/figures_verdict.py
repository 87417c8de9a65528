"""The short answer on the home page and the headline numbers on the results page.

Called by `python -m benchmarks.make_figures` as make(results, plots_dir, tables_dir) with every parsed
results/*.json. Reads the race (results/race-*.json) and the overheads (results/overheads-*.json) and
writes, in both languages:

    results/tables/verdict.{zh,en}.md    the home page's verdict: what to use for Iris-sized work, the
                                         crossover, and one box saying what is measured and what is not
    results/tables/headline.{zh,en}.md   the results page: per machine, the race and the overheads side
                                         by side, and each file's time for the same epoch

Every number comes from a result file. The wording follows the evidence by itself: while no CUDA result
is committed, the GPU side is a prediction and the crossover is pending; once a race or overheads file
measured on CUDA is committed, both say "measured" and give its numbers.
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path

from benchmarks import recipes
from benchmarks.figures_overheads import launch_groups

LANGS = ("zh", "en")
DECISION = "gpu-payoff.md#which-device"  # the full decision section, relative to the embedding page
CROSSOVER = "crossover.md"  # the latency model that predicts a reader's own crossover

T = {
    "zh": {
        "cpu_wins": "**像 Iris 这样的小模型，用 CPU 训练。**",
        "gpu_wins": "**在 {gpu} 这台机器上，连 Iris 这样的小模型也是 GPU 训练得更快。**",
        "cpu_measured": "**CPU（实测）**：在 {machine}上，原始实验每轮用时 {median}"
                        "（中位数，四分位距 {iqr}）。在 CPU 上，每轮还能更快："
                        "{best}的速度是基线的 {speedup} 倍{setup}。",
        "setup": "，但要先花 {s} 秒编译：训练 {epochs} 轮合计 {total} 秒，基线{word} {base} 秒",
        "setup_more": "只要", "setup_less": "要",
        "gpu_predicted": "**GPU（预测，待测）**：一轮训练要调用 {ops} 个顶层算子，"
                         "其中做计算的每一个，在 GPU 上都要由 CPU 发起一次核函数启动；"
                         "每轮的 `loss.item()` 还要同步一次。这些固定开销不随模型变小而减少，"
                         "而 Iris 一轮的计算只有 {macs} 次乘加，所以预计 GPU 更慢。",
        "gpu_measured": "**GPU（实测）**：在 {gpu} 上，原始实验每轮用时 {median}（四分位距 {iqr}），"
                        "{comparison}。",
        "cpu_faster": "同一台机器的 CPU 每轮 {cpu}，速度是 GPU 的 {ratio} 倍",
        "gpu_faster": "同一台机器的 CPU 每轮 {cpu}，GPU 的速度是 CPU 的 {ratio} 倍",
        "gpu_best": "最快的 GPU 配方是{best}，每轮 {us}",
        "gpu_best_wins": "{best}把整个训练步一次交给 GPU，每轮只要 {us}，速度是 CPU 基线的 {ratio} 倍",
        "gpu_many": "同时训练 {n} 个模型时，折合每个模型每轮 {us}",
        "cpu_loop_gpu_recipe": "**像 Iris 这样的小模型：照常写的训练循环，用 CPU 更快；"
                               "GPU 要用上{best}这样的配方去掉每一步的固定开销，才比 CPU 快。**",
        "short_machine": "{cpu}（{cores} 个物理核心，torch {torch}，{date} 测量）",
        "cross_pending": "**交叉点（待测）**：模型和批次越大，每轮的计算越多，固定开销占的比例就越小，"
                         "到某个规模 GPU 开始更快。这个规模取决于你的 CPU 和 GPU，要用 GPU 实测；"
                         "[怎样判断你的模型该用哪个设备]({link})，[怎样预测你机器上的交叉点]({model})。",
        "cross_measured": "**交叉点（实测）**：在 {gpu} 上，每轮全批次训练时 GPU 开始更快的批大小："
                          "{points}。更大的模型和批次用 GPU；[怎样判断你的模型该用哪个设备]({link})，"
                          "[怎样预测你机器上的交叉点]({model})。",
        "cross_none": "在测量范围内 GPU 都没有更快",
        "width": "隐藏层宽度 {w} 时为 {b}",
        "list_sep": "；",
        "box_pending": '!!! info "哪些是实测，哪些待测"',
        "box_pending_body": "CPU 的数字是实测的，来自 {files}。写作时没有可用的 GPU："
                            "关于 GPU 的结论是根据 CPU 上测得的算子数作出的预测，交叉点待测。"
                            "GPU 的测量结果一经提交，这里会自动换成实测数字。在你的机器上重跑，数字会不同。",
        "box_measured": '!!! success "全部为实测"',
        "box_measured_body": "CPU 和 GPU 的数字都是实测的，来自 {files}。在你的机器上重跑，数字会不同。",
        "quick": "（临时结果：`--quick` 短测，不可引用）",
        "no_race": "还没有提交比赛的结果文件，暂时给不出结论。",
        # the results page
        "machine_cpu": "{cpu}，{cores} 个物理核心、{logical} 个逻辑处理器（torch 用 {threads} 个线程）",
        "machine_gpu": "{gpu}；主机 CPU：{cpu}，{cores} 个物理核心、{logical} 个逻辑处理器",
        "stamp": "Python {python}，torch {torch}{cuda}，{date} 测量",
        "cuda": "，CUDA {cuda}",
        "race_title": "比赛：每轮用时",
        "race_head": ["配方", "中位数", "四分位距"],
        "overheads_title": "三种开销",
        "overheads_head": ["测量项"],
        "seed": "原始实验的循环（基线）",
        "no_sync": "不逐轮同步",
        "fewer_launches": "更少的启动（融合的 SGD）",
        "one_thread": "单线程",
        "compiled": "编译整个训练步",
        "cuda_graph": "CUDA 图",
        "compiled_graphs": "编译，reduce-overhead",
        "by_hand": "手写梯度，不用自动求导",
        "by_hand_compiled": "编译手写的训练步",
        "by_hand_compiled_10": "编译手写的训练步，每次调用训练 10 轮",
        "many_models": "同时训练 {n} 个模型（按每个模型计）",
        "numpy": "参照：NumPy",
        "item": "单次 `.item()`",
        "epoch_item": "每轮（每轮都 `.item()`）",
        "ops": "每轮的计算算子（不算只改元数据的）",
        "per_op": "每个计算算子摊到",
        "vs_numpy": "PyTorch 的用时 ÷ NumPy 的用时",
        "pending": "待测",
        "same_epoch": "原始实验的同一轮训练，在这台机器的几个结果里用时各不相同：{items}。",
        "same_item": "{what} {value}",
        "epochs": "（{n} 轮）",
        "w_race": "比赛中的基线",
        "w_item": "`.item()` 测试",
        "w_launch": "算子计数时",
        "w_numpy": "与 NumPy 对比时",
        "source": "数据：{files}。",
        "empty": "还没有提交任何比赛或开销的结果文件。",
    },
    "en": {
        "cpu_wins": "**For a model as small as Iris, train on the CPU.**",
        "gpu_wins": "**On the {gpu} machine, even a model as small as Iris trains faster on the GPU.**",
        "cpu_measured": "**CPU (measured)**: on {machine}, one epoch of the seed loop takes {median} "
                        "(median; interquartile range {iqr}). Per epoch, the CPU can go faster still: "
                        "{best} runs at {speedup}× the baseline's speed{setup}.",
        "setup": ", after {s} s of compiling: {epochs} epochs take {total} s in all, against the "
                 "baseline's {base} s",
        "setup_more": "", "setup_less": "",
        "gpu_predicted": "**GPU (predicted, not measured yet)**: one epoch calls {ops} top-level ops; "
                         "on a GPU each one that computes costs the CPU a kernel launch, and "
                         "`loss.item()` synchronises once per epoch. These fixed costs do not shrink "
                         "with the model, while an Iris epoch computes only {macs} multiply-adds, so "
                         "the GPU is expected to be slower.",
        "gpu_measured": "**GPU (measured)**: on {gpu}, one epoch of the seed loop takes {median} "
                        "(interquartile range {iqr}); {comparison}.",
        "cpu_faster": "the same machine's CPU takes {cpu}, {ratio}× the GPU's speed",
        "gpu_faster": "the same machine's CPU takes {cpu}: the GPU runs at {ratio}× the CPU's speed",
        "gpu_best": "the fastest GPU recipe is {best}, {us} per epoch",
        "gpu_best_wins": "{best}, which hands the whole training step to the GPU at once, takes only {us} "
                         "per epoch, {ratio}× the CPU baseline's speed",
        "gpu_many": "training {n} models at once costs {us} per model per epoch",
        "cpu_loop_gpu_recipe": "**For a model as small as Iris, the training loop as usually written runs "
                               "faster on the CPU; the GPU is faster only with a recipe such as {best} "
                               "that removes the fixed cost of every step.**",
        "short_machine": "{cpu} ({cores} physical cores, torch {torch}, measured {date})",
        "cross_pending": "**Crossover (not measured yet)**: the larger the model and batch, the more "
                         "an epoch computes and the smaller the share of the fixed costs, until the "
                         "GPU is faster. Where that happens depends on your CPU and GPU and needs a "
                         "GPU to measure; [how to decide for your model]({link}), [how to predict the "
                         "crossover on your machine]({model}).",
        "cross_measured": "**Crossover (measured)**: on {gpu}, the batch size from which the GPU "
                          "trains a full-batch epoch faster: {points}. Larger models and batches go "
                          "to the GPU; [how to decide for your model]({link}), [how to predict the "
                          "crossover on your machine]({model}).",
        "cross_none": "the GPU was never faster in the measured range",
        "width": "{b} at hidden width {w}",
        "list_sep": "; ",
        "box_pending": '!!! info "What is measured, what is not yet"',
        "box_pending_body": "The CPU figures are measured, from {files}. No GPU was available while "
                            "this was written: what is said of the GPU is a prediction from the op "
                            "counts measured on the CPU, and the crossover is not measured yet. Once "
                            "GPU results are committed, measured figures replace the prediction here "
                            "by themselves. Rerun on your machine and your numbers will differ.",
        "box_measured": '!!! success "All measured"',
        "box_measured_body": "The CPU and GPU figures are all measured, from {files}. Rerun on your "
                             "machine and your numbers will differ.",
        "quick": " (provisional: a `--quick` short run, not for citing)",
        "no_race": "No race result is committed yet, so there is no verdict so far.",
        "machine_cpu": "{cpu}, {cores} physical cores, {logical} logical CPUs "
                       "(torch using {threads} threads)",
        "machine_gpu": "{gpu}; host CPU: {cpu}, {cores} physical cores, {logical} logical CPUs",
        "stamp": "Python {python}, torch {torch}{cuda}, measured {date}",
        "cuda": ", CUDA {cuda}",
        "race_title": "The race: time per epoch",
        "race_head": ["recipe", "median", "interquartile range"],
        "overheads_title": "The three overheads",
        "overheads_head": ["measurement"],
        "seed": "the seed's loop (baseline)",
        "no_sync": "no per-epoch sync",
        "fewer_launches": "fewer launches (fused SGD)",
        "one_thread": "one thread",
        "compiled": "compiled training step",
        "cuda_graph": "CUDA graph",
        "compiled_graphs": "compiled, reduce-overhead",
        "by_hand": "gradients by hand, no autograd",
        "by_hand_compiled": "the hand-written step compiled",
        "by_hand_compiled_10": "the hand-written step compiled, 10 epochs per call",
        "many_models": "{n} models at once (per model)",
        "numpy": "reference: NumPy",
        "item": "one `.item()`",
        "epoch_item": "per epoch, `.item()` every epoch",
        "ops": "computing ops per epoch (metadata-only ops left out)",
        "per_op": "epoch time per computing op",
        "vs_numpy": "PyTorch's time ÷ NumPy's time",
        "pending": "not measured yet",
        "same_epoch": "The same epoch of the seed loop takes a different time in each of this "
                      "machine's results: {items}.",
        "same_item": "{what} {value}",
        "epochs": " ({n} epochs)",
        "w_race": "the race's baseline",
        "w_item": "the `.item()` test",
        "w_launch": "the op count",
        "w_numpy": "the NumPy comparison",
        "source": "Data: {files}.",
        "empty": "No race or overheads result file is committed yet.",
    },
}

SINGLE_MODEL = tuple(name for name in recipes.SINGLE_MODEL if name != "seed")  # one model, PyTorch


# ---------------------------------------------------------------- numbers
def fmt_time(seconds: float) -> str:
    """Three significant digits (21.0 µs, 274 µs) in the unit that keeps the number between 1 and 1000."""
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if abs(seconds) >= scale or unit == "ns":
            return f"{_three(seconds / scale)} {unit}"
    raise AssertionError("unreachable")


def _three(value: float) -> str:
    value = float(f"{value:.3g}")
    digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    return f"{value:.{digits}f}"


def fmt_range(low_s: float, high_s: float) -> str:
    """246–288 µs: one unit when both ends share it."""
    low, high = fmt_time(low_s), fmt_time(high_s)
    if low.split()[1] == high.split()[1]:
        return f"{low.split()[0]}–{high}"
    return f"{low} – {high}"


def fmt_us(us: float) -> str:
    return fmt_time(us * 1e-6)


def fmt_count(n: int) -> str:
    """20 000 and 1200: numbers from 10 000 up in groups of three digits separated by a space, in both
    languages, as the pages write them."""
    return f"{n:,}".replace(",", " ") if abs(n) >= 10_000 else str(n)


def fmt_ratio(x: float) -> str:
    return f"{x:.1f}" if x < 100 else f"{x:.0f}"


def quartiles(values: list[float]) -> tuple[float, float, float]:
    """Median and the first and third quartiles (the same definition as benchmarks/stats.iqr)."""
    if len(values) < 2:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def per_model_spread(row: dict) -> tuple[float, float, float]:
    """A recipe's time per model per epoch in µs: (median, q1, q3) over its turns (chunk_us)."""
    turns = [u / row["models"] for u in row.get("chunk_us") or []]
    if not turns:
        us = row["us_per_model_epoch"]
        return us, us, us
    q1, median, q3 = quartiles(turns)
    return median, q1, q3


# ---------------------------------------------------------------- which files
def _device(result: dict) -> str:
    return result.get("results", {}).get("device") or result.get("stamp", {}).get("device") or "cpu"


def _measured(value) -> bool:
    return value is not None and not (isinstance(value, dict) and "not_measured" in value)


def _computing_ops(launch: dict) -> int:
    """Top-level ops per epoch that compute: the metadata-only ones (t, view, detach) launch nothing."""
    return launch["top_level_ops"] - launch_groups(launch)["metadata"]


def _prefer_full(found: list[dict]) -> list[dict]:
    """Full runs before --quick ones, then by file name."""
    return sorted(found, key=lambda r: (bool(r.get("quick")), r.get("file", "")))


def races(results: list[dict], device: str) -> list[dict]:
    return _prefer_full([r for r in results if r.get("benchmark") == "race" and _device(r) == device])


def overheads(results: list[dict]) -> list[dict]:
    return _prefer_full([r for r in results if r.get("benchmark") == "overheads"])


def gpu_overheads(results: list[dict]) -> dict | None:
    """The first overheads file whose batch × width grid was measured on CUDA (it holds the crossover)."""
    return next(
        (
            r
            for r in overheads(results)
            if _measured(r["results"].get("underuse", {}).get("cuda"))
            and r["results"]["underuse"].get("crossover_batch") is not None
        ),
        None,
    )


def same_host_cpu_race(results: list[dict], gpu_race: dict) -> dict | None:
    """The CPU race of the GPU machine's own host (the same CPU, core counts and GPU in its stamp), if
    one is committed. Not a CPU of the same name elsewhere: two VMs both say "Intel(R) Xeon(R)"."""
    return next((r for r in races(results, "cpu") if _machine_key(r) == _machine_key(gpu_race)), None)


def _row(result: dict, name: str) -> dict | None:
    return next((r for r in result["results"]["recipes"] if r["name"] == name), None)


def _file(result: dict) -> str:
    return f"`{result.get('file', '?')}`"


def _join(items: list[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(items)


def _label(name: str, lang: str, models: int = 1) -> str:
    return T[lang][name].format(n=models)


def machine(stamp: dict, lang: str) -> str:
    t = T[lang]
    if stamp.get("gpu"):
        return t["machine_gpu"].format(
            gpu=stamp["gpu"],
            cpu=stamp.get("cpu", "?"),
            cores=stamp.get("physical_cores", "?"),
            logical=stamp.get("logical_cpus", "?"),
        )
    return t["machine_cpu"].format(
        cpu=stamp.get("cpu", "?"),
        cores=stamp.get("physical_cores", "?"),
        logical=stamp.get("logical_cpus", "?"),
        threads=stamp.get("torch_threads", "?"),
    )


def stamp_line(stamp: dict, lang: str) -> str:
    t = T[lang]
    cuda = t["cuda"].format(cuda=stamp["cuda"]) if stamp.get("cuda") else ""
    return t["stamp"].format(
        python=stamp.get("python", "?"), torch=stamp.get("torch", "?"), cuda=cuda, date=stamp.get("date", "?")
    )


# ---------------------------------------------------------------- the verdict (home page)
def _fastest_single(race: dict) -> dict | None:
    rows = [r for r in race["results"]["recipes"] if r["name"] in SINGLE_MODEL]
    return min(rows, key=lambda r: r["us_per_model_epoch"]) if rows else None


def _short_machine(stamp: dict, lang: str) -> str:
    return T[lang]["short_machine"].format(
        cpu=stamp.get("cpu", "?"),
        cores=stamp.get("physical_cores", "?"),
        torch=stamp.get("torch", "?"),
        date=stamp.get("date", "?"),
    )


def _quoted(name: str, lang: str) -> str:
    return f"“{_label(name, lang)}”" if lang == "zh" else f"the “{_label(name, lang)}” recipe"


def _setup(race: dict, best: dict, lang: str) -> str:
    """A recipe's one-time cost, and what the whole run then takes against the baseline's."""
    t, seed = T[lang], _row(race, "seed")
    return t["setup"].format(s=f"{best['setup_s']:.1f}", epochs=fmt_count(race["results"].get("epochs", 0)),
                             total=f"{best['total_s']:.1f}", base=f"{seed['total_s']:.1f}",
                             word=t["setup_more" if seed["total_s"] < best["total_s"] else "setup_less"])


def _cpu_bullet(race: dict, lang: str) -> str:
    t = T[lang]
    median, q1, q3 = per_model_spread(_row(race, "seed"))
    best = _fastest_single(race)
    text = t["cpu_measured"].format(
        machine=_short_machine(race["stamp"], lang),
        median=fmt_us(median),
        iqr=fmt_range(q1 * 1e-6, q3 * 1e-6),
        best=_quoted(best["name"], lang) if best else "",
        speedup=fmt_ratio(best["speedup"]) if best else "",
        setup=_setup(race, best, lang) if best and best["setup_s"] >= 0.1 else "",
    )
    if best is None or best["speedup"] <= 1:  # no recipe beat the baseline: say only the baseline
        stop = "。" if lang == "zh" else ". "
        text = text.split(stop)[0] + stop.strip()
    return text + (t["quick"] if race.get("quick") else "")


def _gpu_bullet(cpu_race: dict | None, gpu_race: dict, lang: str) -> tuple[str, str]:
    """The measured GPU bullet, and the headline it calls for: "cpu_wins" (the CPU runs the seed loop
    faster and no GPU recipe beats it), "cpu_loop_gpu_recipe" (the CPU runs the seed loop faster, but a
    GPU recipe beats it) or "gpu_wins" (the GPU runs the seed loop faster)."""
    t = T[lang]
    median, q1, q3 = per_model_spread(_row(gpu_race, "seed"))
    parts = []
    best = _fastest_single(gpu_race)
    cpu_median = per_model_spread(_row(cpu_race, "seed"))[0] if cpu_race is not None else None
    headline = "cpu_wins"
    if cpu_median is not None:
        if cpu_median < median:
            parts.append(t["cpu_faster"].format(cpu=fmt_us(cpu_median), ratio=fmt_ratio(median / cpu_median)))
        else:
            headline = "gpu_wins"
            parts.append(t["gpu_faster"].format(cpu=fmt_us(cpu_median), ratio=fmt_ratio(cpu_median / median)))
    if best is not None:
        us = best["us_per_model_epoch"]
        if headline == "cpu_wins" and cpu_median is not None and us < cpu_median:
            headline = "cpu_loop_gpu_recipe"
            parts.append(t["gpu_best_wins"].format(best=_quoted(best["name"], lang), us=fmt_us(us),
                                                   ratio=fmt_ratio(cpu_median / us)))
        else:
            parts.append(t["gpu_best"].format(best=_quoted(best["name"], lang), us=fmt_us(us)))
    many = _row(gpu_race, "many_models")
    if many is not None:
        parts.append(t["gpu_many"].format(n=fmt_count(many["models"]), us=fmt_us(many["us_per_model_epoch"])))
    text = t["gpu_measured"].format(gpu=gpu_race["stamp"].get("gpu") or "?", median=fmt_us(median),
                                    iqr=fmt_range(q1 * 1e-6, q3 * 1e-6), comparison=t["list_sep"].join(parts))
    return text + (t["quick"] if gpu_race.get("quick") else ""), headline


def _crossover_bullet(results: list[dict], lang: str) -> str:
    t = T[lang]
    found = gpu_overheads(results)
    if found is None:
        return t["cross_pending"].format(link=DECISION, model=CROSSOVER)
    grid = found["results"]["underuse"]
    points = [
        t["width"].format(w=fmt_count(w), b=fmt_count(b) if b else "–")
        for w, b in zip(grid["hidden_widths"], grid["crossover_batch"], strict=True)
        if b
    ]
    return t["cross_measured"].format(
        gpu=found["stamp"].get("gpu") or "?",
        points=t["list_sep"].join(points) or t["cross_none"],
        link=DECISION,
        model=CROSSOVER,
    )


def verdict(results: list[dict], lang: str) -> str:
    t = T[lang]
    cpu = races(results, "cpu")
    gpu = races(results, "cuda")
    if not cpu and not gpu:
        return t["no_race"] + "\n"
    used = []
    bullets = []
    headline_key = "cpu_wins"
    # with a GPU result, the CPU side is that machine's own CPU where its race was committed
    host = same_host_cpu_race(results, gpu[0]) if gpu else None
    shown = host or (cpu[0] if cpu else None)
    if shown is not None:
        bullets.append(_cpu_bullet(shown, lang))
        used.append(shown)
    if gpu:  # GPU against CPU only on the same host: another machine's CPU would compare two machines
        text, headline_key = _gpu_bullet(host, gpu[0], lang)
        bullets.append(text)
        used.append(gpu[0])
    else:
        launch = next(
            (
                o["results"]["launch"]["cpu"]
                for o in overheads(results)
                if _measured(o["results"].get("launch", {}).get("cpu"))
            ),
            None,
        )
        macs = cpu[0]["results"]["arithmetic"]["macs_per_epoch"]
        bullets.append(
            t["gpu_predicted"].format(ops=launch["top_level_ops"] if launch else "?", macs=fmt_count(macs))
        )
        used += [o for o in overheads(results)[:1] if launch]
    bullets.append(_crossover_bullet(results, lang))
    cross = gpu_overheads(results)
    if cross is not None and cross not in used:
        used.append(cross)
    measured = bool(gpu) and cross is not None
    best = _fastest_single(gpu[0]) if gpu else None
    headline = t[headline_key].format(gpu=gpu[0]["stamp"].get("gpu") if gpu else "?",
                                      best=f"“{_label(best['name'], lang)}”" if best else "")
    box, body = ("box_measured", "box_measured_body") if measured else ("box_pending", "box_pending_body")
    files = _join([_file(r) for r in used], lang)
    lines = (
        [headline, ""] + [f"- {b}" for b in bullets] + ["", t[box], "", "    " + t[body].format(files=files)]
    )
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the headline (results page)
def _machine_key(result: dict) -> tuple:
    s = result.get("stamp", {})
    return (s.get("cpu"), s.get("physical_cores"), s.get("logical_cpus"), s.get("gpu"))


def _machine_id(result: dict) -> str:
    """results/race-cpu-2core.json -> machine-cpu-2core: the same heading id in both languages."""
    stem = Path(result.get("file", "x-unknown")).stem
    label = stem.removeprefix(f"{result.get('benchmark', '')}-")
    return "machine-" + re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def _table(header: list[str], rows: list[list[str]], align: str = "---:") -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|---|" + f"{align}|" * (len(header) - 1)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _race_table(race: dict, lang: str) -> list[str]:
    t = T[lang]
    device = "GPU" if _device(race) == "cuda" else "CPU"
    rows = []
    names = ["seed", "no_sync", *(n for n in SINGLE_MODEL if n != "no_sync"), "many_models", "numpy"]
    for name in names:
        row = _row(race, name)
        if row is None:
            continue
        median, q1, q3 = per_model_spread(row)
        rows.append([_label(name, lang, row["models"]), fmt_us(median), fmt_range(q1 * 1e-6, q3 * 1e-6)])
    title = f"**{t['race_title']}（{device}）**" if lang == "zh" else f"**{t['race_title']} ({device})**"
    return [title, "", *_table(t["race_head"], rows)]


def _overheads_table(result: dict, lang: str) -> list[str]:
    t = T[lang]
    res = result["results"]
    devices = [
        d
        for d in ("cpu", "cuda")
        if _measured(res.get("launch", {}).get(d))
        or _measured(res.get("transfer", {}).get("item", {}).get(d))
    ]
    rows = []

    def add(label: str, values: list[str]) -> None:
        rows.append([label, *values])

    item = res.get("transfer", {}).get("item", {})
    launch = res.get("launch", {})
    add(
        t["epoch_item"],
        [fmt_time(item[d]["epoch_with_item_s"]) if _measured(item.get(d)) else t["pending"] for d in devices],
    )
    add(
        t["item"],
        [fmt_time(item[d]["item_idle_s"]) if _measured(item.get(d)) else t["pending"] for d in devices],
    )
    computing = {d: _computing_ops(launch[d]) for d in devices if _measured(launch.get(d))}
    add(t["ops"], [str(computing[d]) if d in computing else t["pending"] for d in devices])
    add(
        t["per_op"],
        [fmt_time(launch[d]["epoch_s"] / computing[d]) if d in computing else t["pending"] for d in devices],
    )
    numpy = res.get("numpy")
    if numpy:
        add(
            t["vs_numpy"],
            [f"{numpy['torch_eager_s'] / numpy['numpy_s']:.1f}×" if d == "cpu" else "–" for d in devices],
        )
    header = [t["overheads_head"][0]] + ["CPU" if d == "cpu" else "GPU" for d in devices]
    if "cuda" not in devices:
        header.append("GPU")
        rows = [[*row, "–" if row[0] == t["vs_numpy"] else t["pending"]] for row in rows]
    return [f"**{t['overheads_title']}**", "", *_table(header, rows)]


def _same_epoch(race: dict | None, over: dict | None, lang: str) -> str | None:
    """The one CPU epoch as each result file of this machine measured it."""
    t = T[lang]
    items = []

    def add(what: str, seconds: float, epochs: int | None = None) -> None:
        items.append(
            t["same_item"].format(what=t[what], value=fmt_time(seconds))
            + (t["epochs"].format(n=fmt_count(epochs)) if epochs else "")
        )

    if race is not None and _device(race) == "cpu":
        add("w_race", per_model_spread(_row(race, "seed"))[0] * 1e-6, race["results"].get("epochs"))
    if over is not None:
        res = over["results"]
        item = res.get("transfer", {}).get("item", {}).get("cpu")
        if _measured(item):
            add("w_item", item["epoch_with_item_s"], item.get("epochs"))
        if _measured(res.get("launch", {}).get("cpu")):
            add("w_launch", res["launch"]["cpu"]["epoch_s"])
        if res.get("numpy"):
            add("w_numpy", res["numpy"]["torch_eager_s"], res["numpy"].get("epochs"))
    return t["same_epoch"].format(items=t["list_sep"].join(items)) if len(items) > 1 else None


def headline(results: list[dict], lang: str) -> str:
    t = T[lang]
    mine = [r for r in results if r.get("benchmark") in ("race", "overheads")]
    if not mine:
        return t["empty"] + "\n"
    groups: dict[tuple, list[dict]] = {}
    for result in _prefer_full(mine):
        groups.setdefault(_machine_key(result), []).append(result)
    parts = []
    for key in sorted(groups, key=lambda k: (k[3] is not None, _machine_id(groups[k][0]))):
        group = groups[key]
        stamp = group[0]["stamp"]
        dates = sorted({r["stamp"].get("date", "?") for r in group})
        title = stamp.get("gpu") or stamp.get("cpu") or "?"
        line = (
            machine(stamp, lang)
            + ("；" if lang == "zh" else "; ")
            + stamp_line(dict(stamp, date=" / ".join(dates)), lang)
        )
        quick = t["quick"] if any(r.get("quick") for r in group) else ""
        block = [
            f"### {title} {{ #{_machine_id(group[0])} }}",
            "",
            line + quick,
            "",
            '<div class="grid results-pair" markdown>',
            "",
        ]
        found_races = sorted(
            (r for r in group if r.get("benchmark") == "race"), key=lambda r: _device(r) != "cuda"
        )
        over = next((r for r in group if r.get("benchmark") == "overheads"), None)
        tables = [_race_table(r, lang) for r in found_races] + (
            [_overheads_table(over, lang)] if over else []
        )
        for table in tables:
            block += ["<div markdown>", "", *table, "", "</div>", ""]
        block += ["</div>", ""]
        cpu_race = next((r for r in found_races if _device(r) == "cpu"), None)
        same = _same_epoch(cpu_race, over, lang)
        if same:
            block += [same, ""]
        block.append(t["source"].format(files=_join([_file(r) for r in group], lang)))
        parts.append("\n".join(block))
    return "\n\n".join(parts) + "\n"


def make(results: list[dict], plots_dir: Path, tables_dir: Path) -> None:
    for lang in LANGS:
        (Path(tables_dir) / f"verdict.{lang}.md").write_text(verdict(results, lang), encoding="utf-8")
        (Path(tables_dir) / f"headline.{lang}.md").write_text(headline(results, lang), encoding="utf-8")
