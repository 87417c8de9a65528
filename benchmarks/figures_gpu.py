"""What the GPU records say on the pages: "verified on" stamps and the GPU machine's report.

Called by `python -m benchmarks.make_figures` as make(results, plots_dir, tables_dir). Reads the records
a GPU session writes (benchmarks/gpu_records.py):

* blocks-<device>-*.json -> results/tables/verified-<device>-<page>.{zh,en}.md, one line for every
  page with blocks marked needs_<device> (cuda, mps): on which machine, with which torch and when
  those blocks last ran and passed; which failed, which changed since (the SHA-256 of the program,
  or of the files it ran, differs from today's) and which never ran. Without a record the line says
  "not yet verified".
* machine-report-*.json with a GPU -> results/tables/machine-report-gpu.{zh,en}.md: the newest GPU
  machine's report as a recorded sample, titled with the machine and the date.

Nothing here measures anything; the current blocks are read with the doc-test harness's parser.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks import gpu_blocks

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LANGS = ("zh", "en")
DEVICES = ("cuda", "mps")

TEXT = {
    "zh": {
        "dev": {"cuda": "CUDA", "mps": "MPS"},
        "hardware": {"cuda": " NVIDIA GPU ", "mps": " Apple 芯片"},  # spaced as "在 NVIDIA GPU 上"
        "never": "尚未验证：本项目还没有在{hardware}上运行过本页只能在 {dev} 上运行的代码块。",
        "all": "最后验证：{machine}，torch {torch}，{date}：本页 {n} 个只能在 {dev} 上运行的代码块全部通过"
        "（记录：`{file}`）。",
        "mixed": "本页 {n} 个只能在 {dev} 上运行的代码块：{groups}。",
        "passed": "{k} 个在 {machine}（torch {torch}，{date}）上通过（`{file}`）",
        "changed": "{k} 个当时通过（{machine}，{date}），此后代码有改动，尚待重新验证：{names}",
        "failed": "{k} 个在 {machine}（torch {torch}，{date}）上未通过：{names}（见 `{file}`）",
        "failed_changed": "{k} 个在 {machine}（{date}）上未通过，此后代码有改动：{names}",
        "not_run": "{k} 个尚未在{hardware}上运行过：{names}",
        "sep": "；",
        "names_sep": "、",
        "report_none": "还没有 GPU 机器的实测记录；上一节用记录的属性展示了 GPU 部分的样子。",
        "report_intro": "下面是一台 GPU 机器的输出：{gpu}，主机是 {host}，由 `{command}` 在 {date} 生成"
        "（记录：`{file}`）。",
        "report_title": "实测记录：{gpu}，{host}，torch {torch}，{date}",
        "host": "{n} 个 vCPU 的 {gen} 虚拟机",
        "host_bare": "{n} 个逻辑处理器的 {gen}",
    },
    "en": {
        "dev": {"cuda": "CUDA", "mps": "MPS"},
        "hardware": {"cuda": "an NVIDIA GPU", "mps": "Apple silicon"},
        "never": "Not yet verified: this project has not run this page's {dev}-only blocks on {hardware}.",
        "all": "Last verified: {machine}, torch {torch}, {date}: all {n} {dev}-only blocks of this page "
        "passed "
        "(record: `{file}`).",
        "mixed": "This page's {n} {dev}-only blocks: {groups}.",
        "passed": "{k} passed on {machine} (torch {torch}, {date}; `{file}`)",
        "changed": "{k} passed then ({machine}, {date}) but the code has changed since, to be verified "
        "again: {names}",
        "failed": "{k} failed on {machine} (torch {torch}, {date}): {names} (see `{file}`)",
        "failed_changed": "{k} failed on {machine} ({date}), and the code has changed since: {names}",
        "not_run": "{k} not yet run on {hardware}: {names}",
        "sep": "; ",
        "names_sep": ", ",
        "report_none": "No GPU machine's report has been recorded yet; the previous section shows what the "
        "GPU part looks like, from recorded properties.",
        "report_intro": "Below is the output on a GPU machine: {gpu}, its host {host}, made by `{command}` "
        "on "
        "{date} (record: `{file}`).",
        "report_title": "Recorded sample: {gpu}, {host}, torch {torch}, {date}",
        "host": "a virtual machine with {n} vCPUs ({gen})",
        "host_bare": "{gen} with {n} logical CPUs",
    },
}


# ---------------------------------------------------------------------------------------------------
# Which record verifies which block


def records(results: list[dict], benchmark: str) -> list[dict]:
    """Records of one kind, newest first (by date, then file name)."""
    found = [r for r in results if r.get("benchmark") == benchmark]
    return sorted(found, key=lambda r: (r["stamp"].get("date", ""), r.get("file", "")), reverse=True)


def page_blocks(device: str, docblocks) -> dict[str, list[dict]]:
    """Each page (its name without the language) -> its distinct device-only programs, from both
    languages' files."""
    pages: dict[str, list[Path]] = {}
    for path in sorted(DOCS.glob("*.md")):
        pages.setdefault(path.name.split(".")[0], []).append(path)
    found = {}
    for page, paths in pages.items():
        entries = [e for e in gpu_blocks.select(device, docblocks, paths) if e["kind"] == "device-only"]
        if entries:
            found[page] = entries
    return found


def main_source(entry: dict, docblocks) -> str | None:
    """The file a block is about: the first file it embeds, or the script its command runs."""
    sources = gpu_blocks.sources_of(entry["block"], docblocks)
    needs = set(entry["block"].needs)
    return next((s for s in sources if s not in needs), sources[0] if sources else None)


def status(entry: dict, found: list[dict], docblocks) -> dict | None:
    """The newest run of this block: {"outcome", "current", "record"}; None if it never ran. An entry
    of a record is this block if it ran the same program, or (for records that keep no program hash)
    the same main file; it is current if the program, or every file it ran, is unchanged today."""
    key = entry["program"].key if entry["program"] else None
    source = main_source(entry, docblocks)
    for record in found:
        ran = [b for b in record["results"]["blocks"] if b["outcome"] in ("passed", "failed")]
        exact = next((b for b in ran if key and b.get("program_sha256") == key), None)
        if exact:
            return {"outcome": exact["outcome"], "current": True, "record": record}
        same = next((b for b in ran if source and source in b["sources"]), None)
        if same:
            current = same.get("program_sha256") is None and all(
                (ROOT / name).is_file() and gpu_blocks.sha256_of(ROOT / name) == digest
                for name, digest in same["sources"].items()
            )
            return {"outcome": same["outcome"], "current": current, "record": record}
    return None


def block_name(entry: dict, docblocks) -> str:
    block = entry["block"]
    if block.language != "python":
        return f"`{block.code.strip().splitlines()[0]}`"
    source = main_source(entry, docblocks)
    return f"`{Path(source).name}`" if source else f"`{entry['places'][0]}`"


def machine_of(record: dict) -> str:
    stamp = record["stamp"]
    return stamp.get("gpu") or stamp.get("cpu") or "?"


def verified_line(device: str, entries: list[dict], found: list[dict], docblocks, lang: str) -> str:
    t = TEXT[lang]
    dev, hardware = t["dev"][device], t["hardware"][device]
    states = [(entry, status(entry, found, docblocks)) for entry in entries]
    if all(s is None for _, s in states):
        return t["never"].format(dev=dev, hardware=hardware)
    first = states[0][1]
    if all(
        s and s["outcome"] == "passed" and s["current"] and s["record"] is first["record"] for _, s in states
    ):
        record = first["record"]
        return t["all"].format(
            machine=machine_of(record),
            torch=record["stamp"]["torch"],
            date=record["stamp"]["date"],
            n=len(states),
            dev=dev,
            file=record["file"],
        )
    groups: dict[tuple, list[str]] = {}
    for entry, s in states:
        kind = (
            ("not_run",)
            if s is None
            else (
                ("passed" if s["current"] else "changed")
                if s["outcome"] == "passed"
                else ("failed" if s["current"] else "failed_changed"),
                s["record"]["file"],
            )
        )
        groups.setdefault(kind, []).append(block_name(entry, docblocks))
    order = ("passed", "failed", "failed_changed", "changed", "not_run")
    parts = []
    for kind in sorted(groups, key=lambda k: order.index(k[0])):
        names = groups[kind]
        record = next((r for r in found if len(kind) > 1 and r["file"] == kind[1]), None)
        values = {"k": len(names), "names": t["names_sep"].join(names), "hardware": hardware}
        if record:
            values.update(
                machine=machine_of(record),
                torch=record["stamp"]["torch"],
                date=record["stamp"]["date"],
                file=record["file"],
            )
        parts.append(t[kind[0]].format(**values))
    return t["mixed"].format(n=len(states), dev=dev, groups=t["sep"].join(parts))


# ---------------------------------------------------------------------------------------------------
# The machine report of a GPU machine


def report_fragment(results: list[dict], lang: str) -> str:
    t = TEXT[lang]
    found = [
        r
        for r in records(results, "machine-report")
        if r["results"]["facts"].get("gpus") and not r.get("quick")
    ]
    if not found:
        return t["report_none"]
    from tools.machine_report import cpu_generation

    record = found[0]
    facts, stamp = record["results"]["facts"], record["stamp"]
    cpu = facts["cpu"]
    generation = cpu_generation(cpu).get("name") or cpu.get("brand")
    host = t["host" if cpu.get("hypervisor") else "host_bare"].format(
        n=cpu.get("logical_cpus"), gen=generation
    )
    gpu = ", ".join(g["name"] for g in facts["gpus"])
    intro = t["report_intro"].format(
        gpu=gpu,
        host=host,
        date=stamp["date"],
        file=record["file"],
        command=f"python tools/machine_report.py --lang {lang}",
    )
    title = t["report_title"].format(gpu=gpu, host=host, torch=facts["torch"], date=stamp["date"])
    text = record["results"]["text"][lang].rstrip("\n")
    return f'{intro}\n\n```text title="{title}"\n{text}\n```'


# ---------------------------------------------------------------------------------------------------


def make(results: list[dict], plots_dir: Path, tables_dir: Path) -> None:
    docblocks = gpu_blocks.load_docblocks()
    written = set()
    for device in DEVICES:
        found = [r for r in records(results, "blocks") if r["results"].get("device") == device]
        for page, entries in page_blocks(device, docblocks).items():
            for lang in LANGS:
                path = tables_dir / f"verified-{device}-{page}.{lang}.md"
                path.write_text(
                    verified_line(device, entries, found, docblocks, lang) + "\n", encoding="utf-8"
                )
                written.add(path)
    for lang in LANGS:
        path = tables_dir / f"machine-report-gpu.{lang}.md"
        path.write_text(report_fragment(results, lang) + "\n", encoding="utf-8")
        written.add(path)
    for stale in set(tables_dir.glob("verified-*.md")) - written:
        stale.unlink()
