"""The list of every committed result set with its hardware stamp, for the results page.

Called by `python -m benchmarks.make_figures` with every parsed results/*.json, whatever its benchmark;
writes results/tables/index.zh.md and index.en.md, which docs/results.*.md embed.
"""

from __future__ import annotations

from pathlib import Path

HEADERS = {
    "zh": ["数据文件", "基准测试", "运行方式", "日期", "CPU", "物理核心 / 逻辑处理器 / PyTorch 线程",
           "GPU", "torch", "CUDA", "生成命令"],
    "en": ["data file", "benchmark", "run", "date", "CPU", "physical cores / logical CPUs / PyTorch threads",
           "GPU", "torch", "CUDA", "command"],
}
WORDS = {
    "zh": {"full": "完整", "quick": "`--quick`（临时，不可引用）", "none": "无",
           "empty": "还没有任何结果文件。"},
    "en": {"full": "full", "quick": "`--quick` (provisional, not for citing)", "none": "none",
           "empty": "No result file yet."},
}


def _cell(value) -> str:
    return str(value).replace("|", "\\|")


def fragment(results: list[dict], lang: str) -> str:
    words = WORDS[lang]
    if not results:
        return words["empty"] + "\n"
    rows = []
    for result in sorted(results, key=lambda r: r["file"]):
        stamp = result.get("stamp", {})
        rows.append([
            f"`{result['file']}`",
            result.get("benchmark", "?"),
            words["quick"] if result.get("quick") else words["full"],
            stamp.get("date", "?"),
            stamp.get("cpu", "?"),
            f"{stamp.get('physical_cores', '?')} / {stamp.get('logical_cpus', '?')} / "
            f"{stamp.get('torch_threads', '?')}",
            stamp.get("gpu") or words["none"],
            stamp.get("torch", "?"),
            stamp.get("cuda") or words["none"],
            f"`{result['command']}`" if result.get("command") else "?",
        ])
    lines = ["| " + " | ".join(HEADERS[lang]) + " |", "|" + "---|" * len(HEADERS[lang])]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def make(results: list[dict], plots_dir: Path, tables_dir: Path) -> None:
    for lang in ("zh", "en"):
        (tables_dir / f"index.{lang}.md").write_text(fragment(results, lang), encoding="utf-8")
