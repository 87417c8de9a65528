"""The list of every committed result file, for the foot of the results page.

Called by `python -m benchmarks.make_figures` with every parsed results/*.json, whatever its benchmark;
writes results/tables/index.zh.md and index.en.md, which docs/results.*.md embed. The table keeps to
four columns that fit a wide screen and scroll on a phone; each file's command and software versions
follow in a collapsed block, for the reader who wants to reproduce it.
"""

from __future__ import annotations

from pathlib import Path

HEADERS = {
    "zh": ["数据文件", "测量内容", "机器", "日期"],
    "en": ["data file", "what it measures", "machine", "date"],
}
BENCHMARKS = {  # a benchmark missing here is shown by its own name
    "zh": {"race": "配方比赛", "overheads": "三种开销", "crossover": "交叉点模型的常数",
           "blocks": "只能在 GPU 上运行的代码块", "machine-report": "机器报告",
           "threading": "线程实验", "anatomy": "一轮 CPU 训练的构成", "gpu-run": "GPU 测量的运行记录"},
    "en": {"race": "the recipe race", "overheads": "the three overheads",
           "crossover": "the crossover model's constants", "blocks": "the GPU-only code blocks",
           "machine-report": "the machine report", "threading": "the threading lab",
           "anatomy": "the anatomy of one CPU epoch", "gpu-run": "the GPU run's record"},
}
WORDS = {
    "zh": {
        "quick": "（`--quick` 临时结果，不可引用）",
        "none": "无",
        "cores": "{p} 核",
        "no_gpu": "无 GPU",
        "sep": "，",
        "details": '??? note "每个文件的生成命令和软件版本"',
        "detail": "`{file}`：`{command}`；Python {python}，torch {torch}，CUDA {cuda}；"
        "{p} 个物理核心、{l} 个逻辑处理器，torch 用 {t} 个线程",
        "empty": "还没有任何结果文件。",
    },
    "en": {
        "quick": " (`--quick`, provisional, not for citing)",
        "none": "none",
        "cores": "{p} cores",
        "no_gpu": "no GPU",
        "sep": ", ",
        "details": '??? note "Each file\'s command and software versions"',
        "detail": "`{file}`: `{command}`; Python {python}, torch {torch}, CUDA {cuda}; "
        "{p} physical cores, {l} logical CPUs, torch using {t} threads",
        "empty": "No result file yet.",
    },
}


def _cell(value) -> str:
    return str(value).replace("|", "\\|")


def _name(result: dict) -> str:
    return Path(result["file"]).name


def fragment(results: list[dict], lang: str) -> str:
    words = WORDS[lang]
    if not results:
        return words["empty"] + "\n"
    rows, details = [], []
    for result in sorted(results, key=lambda r: r["file"]):
        stamp = result.get("stamp", {})
        benchmark = result.get("benchmark", "?")
        what = BENCHMARKS[lang].get(benchmark, benchmark) + (words["quick"] if result.get("quick") else "")
        machine = words["sep"].join(
            [
                stamp.get("cpu", "?"),
                words["cores"].format(p=stamp.get("physical_cores", "?")),
                stamp.get("gpu") or words["no_gpu"],
            ]
        )
        rows.append([f"`{_name(result)}`", what, machine, stamp.get("date", "?")])
        details.append(
            words["detail"].format(
                file=_name(result),
                command=result.get("command", "?"),
                python=stamp.get("python", "?"),
                torch=stamp.get("torch", "?"),
                cuda=stamp.get("cuda") or words["none"],
                p=stamp.get("physical_cores", "?"),
                l=stamp.get("logical_cpus", "?"),
                t=stamp.get("torch_threads", "?"),
            )
        )
    lines = ["| " + " | ".join(HEADERS[lang]) + " |", "|" + "---|" * len(HEADERS[lang])]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    lines += ["", words["details"], ""] + [f"    - {d}" for d in details]
    return "\n".join(lines) + "\n"


def make(results: list[dict], plots_dir: Path, tables_dir: Path) -> None:
    for lang in ("zh", "en"):
        (tables_dir / f"index.{lang}.md").write_text(fragment(results, lang), encoding="utf-8")
