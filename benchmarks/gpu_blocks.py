"""Run the pages' device-only code blocks on this machine's accelerator and record what happened.

    python -m benchmarks.gpu_blocks --device cuda --out blocks-cuda.json [--budget 90] [--workers 4]

The blocks are read with the doc-test harness's own parser (tests/docblocks.py) and run the way the
tests run them: each distinct program once, in a fresh process, in an empty folder holding the files
its `needs` line names; its output compared with the page's expected output, or its error with the
page's `raises` marker. Two kinds of blocks are run:

* "device-only": marked `<!--pytest.mark.needs_cuda-->` (or needs_mps), skipped by every test run
  without that device; these come first;
* "follows-device": blocks that run everywhere but take the device's path where there is one (they
  mention it, or choose the device at run time), while the part's time lasts.

Where the device is missing (a rehearsal on a CPU, `--dry-run` of benchmarks.gpu_run) every selected
block is recorded as skipped, never run or faked. The record (benchmarks/gpu_records.py, kind
"blocks") keeps, for each program, its places on the pages, the repository files it runs with their
SHA-256, the outcome and the end of its output, so the pages can say what was verified, where, and
whether the code has changed since (benchmarks/figures_gpu.py).

It needs pytest (which tests/docblocks.py imports), not MkDocs: where pymdownx is not installed,
`--8<--` lines are expanded by `expand_plain` (the plain "file" and "file:section" forms this
repository uses; tests/test_gpu_run.py checks it against pymdownx's output), and the `needs` line is
read with the grammar of tooling/download_hooks.py, taken from its source.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.cli import positive_float, positive_int

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
DEVICES = ("cuda", "mps")
TAIL = 2000  # characters of stdout / stderr kept per block
FOLLOWS = re.compile(r"\b(pick_device|current_accelerator|accelerator\.is_available)\s*\(")


# ---------------------------------------------------------------------------------------------------
# Embedded files without pymdownx

_INLINE = re.compile(
    r"""^(?P<space>[ \t]*)(?P<escape>;*)-{1,}8<-{1,}[ \t]+(?P<quote>["'])(?P<target>.+?)(?P=quote)\r?$"""
)
_BLOCK = re.compile(r"^[ \t]*;*-{1,}8<-{1,}\r?$")
_SECTION = re.compile(
    r"(?i)^(?P<pre>.*?)(?P<escape>;*)-{1,}8<-{1,}[ \t]+"
    r"\[[ \t]*(?P<type>start|end)[ \t]*:[ \t]*(?P<name>[a-z][-_0-9a-z]*)[ \t]*\](?P<post>.*?)$"
)
_TARGET = re.compile(r"(?i)^(?P<path>.+?)(?::(?P<section>[a-z][-_0-9a-z]*))?$")


class ExpandError(Exception):
    """An embedded file that expand_plain cannot or must not expand."""


def expand_plain(text: str, base: Path = ROOT) -> str:
    """Expand `--8<-- "file"` and `--8<-- "file:section"` lines as pymdownx.snippets does with
    check_paths (this repository's mkdocs.yml): the line, indentation kept, becomes the file's lines
    (all of them, a final newline giving a final empty line) or the lines between
    `--8<-- [start:section]` and `--8<-- [end:section]`; section markers are dropped. Other forms
    (line ranges, blocks of names, escapes, URLs) raise ExpandError instead of guessing."""
    return "\n".join(_expand_lines(text.split("\n"), base, seen=(), in_section=False))


def _expand_lines(lines: list[str], base: Path, seen: tuple[Path, ...], in_section: bool) -> list[str]:
    out = []
    for line in lines:
        if "8<-" not in line:
            out.append(line)
            continue
        inline = _INLINE.match(line)
        if inline:
            if inline["escape"]:
                raise ExpandError(f"escaped snippet line not supported: {line.strip()}")
            out += _include(inline["target"].strip(), inline["space"].expandtabs(4), base, seen)
        elif _BLOCK.match(line):
            raise ExpandError(f"block-style snippet not supported: {line.strip()}")
        elif not in_section and (section := _SECTION.match(line)):
            if section["escape"]:
                raise ExpandError(f"escaped section marker not supported: {line.strip()}")
            continue  # a section marker: not content
        else:
            out.append(line)
    return out


def _include(target: str, space: str, base: Path, seen: tuple[Path, ...]) -> list[str]:
    if target.lower().startswith(("http://", "https://")) or re.search(r":-?\d", target):
        raise ExpandError(f"snippet form not supported: {target}")
    match = _TARGET.match(target)
    path = (base / match["path"].strip()).resolve()
    if not path.is_relative_to(base.resolve()) or not path.is_file():
        raise ExpandError(f"Snippet at path '{match['path'].strip()}' could not be found")
    if path in seen:
        return []  # pymdownx skips a file that includes itself
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n") if text else []
    if match["section"]:
        lines = _section(lines, match["section"])
    inner = _expand_lines(lines, base, (*seen, path), in_section=bool(match["section"]))
    return [space + line for line in inner]


def _section(lines: list[str], name: str) -> list[str]:
    found, inside, kept = False, False, []
    for line in lines:
        marker = _SECTION.match(line) if "8<-" in line else None
        if marker and marker["escape"]:
            raise ExpandError(f"escaped section marker not supported: {line.strip()}")
        if marker and marker["name"] == name:
            if marker["type"] == "start":
                found = inside = True
                continue
            if inside:
                break
            break  # an end before its start
        if marker:
            continue  # another section's marker
        if inside:
            kept.append(line)
    if not found:
        raise ExpandError(f"Snippet section '{name}' could not be located")
    return kept


def needs_grammar() -> re.Pattern:
    """The `needs` line's regular expression, read from tooling/download_hooks.py's source (importing
    that module would import MkDocs)."""
    source = (ROOT / "tooling" / "download_hooks.py").read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if (
            isinstance(node, ast.Assign)
            and [getattr(t, "id", None) for t in node.targets] == ["NEEDS"]
            and isinstance(node.value, ast.Call)
            and node.value.args
            and isinstance(node.value.args[0], ast.Constant)
        ):
            return re.compile(node.value.args[0].value)
    raise LookupError("tooling/download_hooks.py defines no NEEDS = re.compile('...')")


def missing(module: str) -> bool:
    """Whether a module cannot be imported here (not installed, or hidden)."""
    try:
        return importlib.util.find_spec(module) is None
    except (ImportError, ValueError):
        return True


def load_docblocks():
    """tests/docblocks.py, with plain replacements for what needs MkDocs or pytest-codeblocks where
    those are missing (a GPU machine has its own Python with pytest, and neither of them)."""
    from tests import docblocks

    if missing("pymdownx") or missing("markdown"):

        def expand(text: str) -> str:
            try:
                return expand_plain(text)
            except ExpandError as err:
                raise docblocks.SnippetError(str(err)) from None

        docblocks.expand = expand
    if missing("mkdocs"):
        grammar = needs_grammar()

        def parse_needs(text: str) -> list[str] | None:
            found = grammar.match(f"<!--{text.strip()}-->")
            return found["files"].split() if found else None

        docblocks.parse_needs = parse_needs
    if missing("pytest_codeblocks"):
        # The harness checks that pytest-codeblocks reads every block as it does; that check runs in
        # the test suite, and here the harness's own reading is used as it is.
        docblocks._agree_with_pytest_codeblocks = lambda path, blocks: []
    return docblocks


# ---------------------------------------------------------------------------------------------------
# Which blocks, and what each runs


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sources_of(block, docblocks) -> list[str]:
    """The repository files a block runs: the files it embeds, the files it needs, and for a shell
    block the scripts and modules its `python` commands start."""
    names = [*docblocks.included_files(block.code), *block.needs]
    if block.language != "python":
        for module in re.findall(r"(?m)\bpython3?\s+-m\s+([\w.]+)", block.code):
            names.append(module.replace(".", "/") + ".py")
        names += re.findall(r"(?m)\bpython3?\s+([\w./-]+\.py)\b", block.code)
    found = []
    for name in names:
        if (ROOT / name).is_file() and name not in found:
            found.append(name)
    return found


def select(device: str, docblocks, pages: list[Path] | None = None) -> list[dict]:
    """The distinct programs to run for `device`: device-only blocks first, then blocks that follow
    the device. Each: kind, places, language, the Block and its Program (or why there is none)."""
    chosen: dict[str, dict] = {}
    for path in pages if pages is not None else sorted(DOCS.glob("*.md")):
        for block in docblocks.read_page(path).blocks:
            if any(block.has_mark(f"needs_{other}") for other in DEVICES if other != device):
                continue
            device_only = block.has_mark(f"needs_{device}")
            try:
                program = docblocks.program_of(block)
                problem = None
            except docblocks.SnippetError as err:
                program, problem = None, str(err)
            if not device_only:
                if block.skip_reason() is not None or program is None:
                    continue
                needs_text = "".join(text for _, text in program.needs)
                if not (
                    docblocks.mentions_device(device, program.text)
                    or FOLLOWS.search(program.text)
                    or FOLLOWS.search(needs_text)
                ):
                    continue
            key = program.key if program else f"{block.where}:unreadable"
            entry = chosen.setdefault(
                key,
                {
                    "kind": "device-only" if device_only else "follows-device",
                    "places": [],
                    "language": block.language,
                    "block": block,
                    "program": program,
                    "problem": problem,
                },
            )
            entry["places"].append(_place(block))
    return sorted(chosen.values(), key=lambda e: e["kind"] != "device-only")


def _place(block) -> str:
    path = Path(block.path)
    shown = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    return f"{shown}:{block.lineno}"


def expectation(block) -> tuple[str, tuple[type[BaseException], str] | None]:
    """What the page checks ("expected output", "raises ...", "exit status") and the raises marker."""
    import pytest

    for mark in block.marks:
        if re.match(r"pytest\.mark\.raises\b", mark):
            decorator = eval(mark, {"pytest": pytest, "sys": sys})  # a marker as written on the page
            error, pattern = decorator.args[0], decorator.kwargs.get("match", "")
            return f"raises {error.__name__} matching {pattern!r}", (error, pattern)
    return ("expected output" if block.expected is not None else "exit status"), None


# ---------------------------------------------------------------------------------------------------
# Running


def device_available(device: str) -> bool:
    import torch

    return torch.cuda.is_available() if device == "cuda" else torch.backends.mps.is_available()


def run_blocks(device: str, budget: float, workers: int, docblocks=None, pages=None) -> dict:
    """Select, run (or skip) and check the blocks; the record's "results"."""
    docblocks = docblocks or load_docblocks()
    entries = select(device, docblocks, pages)
    available = device_available(device)
    deadline = time.monotonic() + budget
    lock = threading.Lock()
    records: list[dict] = []

    def one(entry: dict) -> dict:
        block, program = entry["block"], entry["program"]
        checks, raises = expectation(block)
        record = {
            "places": entry["places"],
            "kind": entry["kind"],
            "language": entry["language"],
            "code": block.code.strip(),
            "checks": checks,
            "sources": {name: sha256_of(ROOT / name) for name in sources_of(block, docblocks)},
            "program_sha256": program.key if program else None,
            "outcome": None,
            "reason": None,
            "seconds": None,
            "stdout": "",
            "stderr": "",
            "problems": [],
        }
        reason = block.skip_reason()
        if entry["problem"]:
            record.update(outcome="failed", problems=[entry["problem"]])
        elif reason is not None:
            record.update(outcome="skipped", reason=reason or "skip marker without a reason")
        elif not available:
            record.update(outcome="skipped", reason=f"no {device.upper()} device on this machine")
        elif block.importorskip and docblocks.module_missing(block.importorskip):
            record.update(outcome="skipped", reason=f"needs the module {block.importorskip}")
        else:
            left = deadline - time.monotonic()
            if left < 5:
                record.update(outcome="not run", reason="out of time")
            else:
                result = docblocks.run_program(program, timeout=min(left, docblocks.BLOCK_TIMEOUT))
                problems = (
                    [f"did not finish within {min(left, docblocks.BLOCK_TIMEOUT):.0f} s"]
                    if result.timed_out
                    else docblocks.check(block, result, raises)
                )
                record.update(
                    outcome="failed" if problems else "passed",
                    problems=problems,
                    seconds=round(result.seconds, 2),
                    stdout=result.stdout[-TAIL:],
                    stderr=result.stderr[-TAIL:],
                )
        with lock:
            print(
                f"{record['outcome']:>8}  {record['kind']:<14} {', '.join(record['places'])}"
                + (f"  ({record['reason']})" if record["reason"] else ""),
                flush=True,
            )
        return record

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        records = list(pool.map(one, entries))
    summary: dict[str, dict[str, int]] = {}
    for record in records:
        counts = summary.setdefault(record["kind"], {})
        counts[record["outcome"]] = counts.get(record["outcome"], 0) + 1
    return {
        "device": device,
        "device_available": available,
        "budget_s": budget,
        "commit": _commit(),
        "blocks": records,
        "summary": summary,
    }


def _commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def main(argv: list[str] | None = None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    # Each block in a new interpreter, exactly as a reader runs it: the test suite's zygote
    # (tests/fresh_python.py) saves CPU on a 2-core machine, not a lent GPU's minutes.
    os.environ.setdefault("FRESH_PYTHON", "1")
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.gpu_blocks", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--device", choices=DEVICES, default="cuda")
    parser.add_argument("--out", type=Path, required=True, help="the record (JSON) to write")
    parser.add_argument(
        "--budget",
        type=positive_float,
        default=90.0,
        metavar="SECONDS",
        help="time for all blocks together (default 90); blocks not started by then are recorded as not run",
    )
    parser.add_argument("--workers", type=positive_int, default=4, help="blocks run at once (default 4)")
    args = parser.parse_args(argv)
    if args.out.suffix != ".json":
        parser.error(f"--out must name a .json file, not {str(args.out)!r}")
    import torch

    from benchmarks.stamp import machine_stamp

    stamp = machine_stamp(torch.device(args.device) if device_available(args.device) else None)
    results = run_blocks(args.device, args.budget, args.workers)
    data = {
        "benchmark": "blocks",
        "command": shlex.join(["python", "-m", "benchmarks.gpu_blocks", *argv]),
        "quick": not results["device_available"],
        "stamp": stamp,
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    counts = "; ".join(
        f"{kind}: " + ", ".join(f"{n} {outcome}" for outcome, n in sorted(c.items()))
        for kind, c in results["summary"].items()
    )
    print(f"wrote {args.out} ({counts or 'no blocks'})")
    return data


if __name__ == "__main__":
    main()
