"""Run every code block on a page the way a reader runs it.

The pages are read by pytest-codeblocks (`extract_from_file`: the blocks, their continuations and
expected outputs, with its marker syntax); this plugin checks that its own reading, which adds the
`needs:` lines and the markers' placement, agrees block for block, then runs each block:

A ```python block is saved as a file and run as a script (`python example.py`, so
`if __name__ == "__main__":` parts run with nothing prepended) in a process of its own, forked from an
interpreter that has imported torch and nothing of the block (tests/fresh_python.py; FRESH_PYTHON=1
starts a new interpreter for each), in an empty temporary folder that holds exactly the files the page
says the block needs:

    <!--needs: snippets/iris_setup.py snippets/overhead_timing.py-->

on its own line directly above the block (above any test marker). What the block prints is compared
with the expected-output block after it; `<!--pytest.mark.raises(Err, match="...")-->` requires the
script to end with that error (read from its traceback). A block marked
`<!--pytest-codeblocks:cont-->` continues the block before it: they run together as one script.

A ```bash / ```sh block runs from the repository's root with `bash -euo pipefail`, nothing
prepended, so a failing command anywhere in it fails the test.

Embedded files (``--8<-- "snippets/x.py"``) are expanded by pymdownx.snippets' own preprocessor,
configured from mkdocs.yml, so the test runs exactly what the built page shows.

Markers, as HTML comments directly above a block (only blank lines between them and the fence):

* `<!--pytest.mark.needs_cuda-->` / `needs_mps`: skipped where the device is missing. A device marker
  on a block whose code never mentions that device is an error.
* `<!--pytest.mark.skip(reason="...")-->`: always skipped, a reason is required;
  `<!--pytest-codeblocks:importorskip(module)-->`: skipped where the module is not installed.
* `<!--pytest.mark.tested_by("tests/test_x.py::test_name")-->`: a block that only defines functions
  (running it runs nothing) names the test that calls them; the audit (tests/test_fences.py) checks
  that the test exists and refers to every function and class the block defines.

Blocks run in the background, several at once (DOCBLOCK_WORKERS, default one per CPU; each with
OMP_NUM_THREADS=1 unless set), from the moment the test session has collected them; identical
programs (the same code in both languages' pages) run once.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.fresh_python import close_all, reader_environment, run_script

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
INCLUDE = re.compile(r"""^\s*-{1,}8<-{1,}\s+["']([^"']+)["']\s*$""", re.M)
RUNNABLE = ("python", "bash", "sh")
DEVICES = ("cuda", "mps")
BLOCK_TIMEOUT = 600  # seconds one block may run

_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>`{3,}|~{3,})(?P<info>[^`]*)$")
_COMMENT = re.compile(r"^<!--(?P<body>.*?)-->$")
_HARNESS = re.compile(r"^\s*(pytest-codeblocks:|pytest\.mark\.|needs:)")


class SnippetError(Exception):
    """An embedded file could not be read."""


# ---------------------------------------------------------------------------------------------------
# Embedded files


@functools.cache
def _snippet_preprocessor():
    """pymdownx.snippets' preprocessor with the options mkdocs.yml gives it."""
    import markdown
    from mkdocs.utils.yaml import yaml_load

    with open(ROOT / "mkdocs.yml", encoding="utf-8") as handle:
        config = yaml_load(handle)
    options = {}
    for entry in config["markdown_extensions"]:
        if isinstance(entry, dict) and "pymdownx.snippets" in entry:
            options = dict(entry["pymdownx.snippets"] or {})
    options["base_path"] = [str(ROOT / p) for p in options.get("base_path", ["."])]
    md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={
        "pymdownx.snippets": options})
    return md.preprocessors["snippet"]


def included_files(text: str) -> list[str]:
    """The files a block or page embeds, in order (section and line suffixes removed)."""
    return [re.sub(r":[^/\\]*$", "", name) for name in INCLUDE.findall(text)]


def expand(text: str) -> str:
    """Expand --8<-- lines exactly as the site build does."""
    if not INCLUDE.search(text):
        return text
    for name in included_files(text):
        if not (ROOT / name).is_file():
            raise SnippetError(f"embedded file not found: {name}")
    lines = _snippet_preprocessor().run(text.split("\n"))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------
# Reading a page: fences, the marker comments above them, and the blocks they make


@dataclass
class Fence:
    lineno: int                      # 1-based line of the opening fence
    indent: str
    info: str                        # everything after the backticks, stripped
    body: str
    comments: list[tuple[int, str]]  # harness comments directly above: (line, text inside <!-- -->)

    @property
    def language(self) -> str:
        return self.info.split(maxsplit=1)[0].lstrip("{.").rstrip("}") if self.info else ""


@dataclass
class Block:
    """A runnable block: its fence, continuations appended, and what the comments above it say."""

    path: Path
    lineno: int
    language: str
    code: str                              # as written on the page, continuations appended
    marks: list[str] = field(default_factory=list)   # "pytest.mark.x(...)", as written
    needs: list[str] = field(default_factory=list)   # repository paths
    importorskip: str | None = None
    expected: str | None = None            # the expected-output block, as written
    expected_lineno: int | None = None
    ignore_whitespace: bool = False
    continuations: list[int] = field(default_factory=list)  # lines of the cont fences

    @property
    def where(self) -> str:
        shown = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{shown}:{self.lineno}"

    def mark_names(self) -> list[str]:
        return [re.match(r"pytest\.mark\.(\w+)", m)[1] for m in self.marks]

    def has_mark(self, name: str) -> bool:
        return name in self.mark_names()

    def tested_by(self) -> list[str]:
        """The test ids named by tested_by markers."""
        found = []
        for mark in self.marks:
            if re.match(r"pytest\.mark\.tested_by\b", mark):
                found += re.findall(r"""["']([^"']+)["']""", mark)
        return found

    def skip_reason(self) -> str | None:
        """Why the block never runs here, from its skip marker ('' for a skip without a reason)."""
        for mark in self.marks:
            if re.match(r"pytest\.mark\.skip\b", mark):
                found = re.search(r"""reason\s*=\s*(["'])(.*)\1""", mark)
                return found[2] if found else ""
        return None


@dataclass
class Page:
    path: Path
    fences: list[Fence]
    blocks: list[Block]
    problems: list[str]             # markers the harness cannot attach, or would misread
    output_fences: set[int]         # lines of fences that are a block's expected output
    continued: dict[int, int]       # line of a cont fence -> line of the block it continues


def _is_harness_comment(text: str) -> bool:
    return bool(_HARNESS.match(text))


def read_fences(path: Path) -> tuple[list[Fence], list[str]]:
    """Every fenced block of a Markdown page (nested ones inside their parent's body), each with the
    harness comments (pytest-codeblocks:, pytest.mark., needs:) directly above it. A harness comment
    followed by prose instead of a fence is reported: it would silently apply to nothing."""
    lines = path.read_text(encoding="utf-8").splitlines()
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    fences, problems, pending = [], [], []
    i = 0
    while i < len(lines):
        line, stripped = lines[i], lines[i].strip()
        match = _FENCE_OPEN.match(line)
        if match:
            mark, indent = match["mark"], match["indent"]
            body, j = [], i + 1
            while j < len(lines):
                inner = lines[j].strip()
                if inner.startswith(mark[0] * len(mark)) and inner.strip(mark[0]) == "":
                    break
                body.append(lines[j][len(indent):] if lines[j].startswith(indent) else lines[j])
                j += 1
            fences.append(Fence(i + 1, indent, match["info"].strip(), "\n".join(body) + "\n", pending))
            pending = []
            i = j + 1
            continue
        comment = _COMMENT.match(stripped)
        if comment and _is_harness_comment(comment["body"]):
            pending.append((i + 1, comment["body"].strip()))
        elif stripped:
            for lineno, text in pending:
                problems.append(f"{shown}:{lineno}: <!--{text}--> is not directly above a code block "
                                "(only blank lines may separate them)")
            pending = []
        i += 1
    for lineno, text in pending:
        problems.append(f"{shown}:{lineno}: <!--{text}--> at the end of the page, above no code block")
    return fences, problems


def parse_needs(text: str) -> list[str] | None:
    """The files a `needs:` comment names (`needs: a/b.py c/d.py` -> ['a/b.py', 'c/d.py']), or None
    if the comment is not a needs line. The grammar is the site's (tooling/download_hooks.py, which
    renders the same line as download links)."""
    from tooling.download_hooks import NEEDS

    found = NEEDS.match(f"<!--{text.strip()}-->")
    return found["files"].split() if found else None


def read_page(path: Path) -> Page:
    fences, problems = read_fences(path)
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    blocks: list[Block] = []
    output_fences, continued = set(), {}
    for fence in fences:
        where = f"{shown}:{fence.lineno}"
        expected = cont = ignore_ws = False
        marks, needs, importorskip = [], [], None
        for lineno, text in fence.comments:
            if (files := parse_needs(text)) is not None:
                if marks or expected or cont:
                    problems.append(f"{shown}:{lineno}: write <!--needs: ...--> above the test markers")
                if not files:
                    problems.append(f"{shown}:{lineno}: <!--needs:--> names no file")
                needs += files
            elif text.startswith("pytest.mark."):
                marks.append(text)
            elif text.startswith("pytest-codeblocks:"):
                keyword = text.removeprefix("pytest-codeblocks:").strip()
                if keyword == "expected-output":
                    expected = True
                elif keyword == "expected-output-ignore-whitespace":
                    expected = ignore_ws = True
                elif keyword == "cont":
                    cont = True
                elif found := re.fullmatch(r"importorskip\((.+)\)", keyword):
                    importorskip = found[1].strip().strip("\"'")
                else:
                    problems.append(f"{shown}:{lineno}: unknown marker <!--{text}--> (write "
                                    "<!--pytest.mark.skip(reason=\"...\")--> to skip a block)")
        language = fence.language
        if expected:
            owner = blocks[-1] if blocks else None
            if owner is None:
                problems.append(f"{where}: expected output, but no code block above it")
            elif owner.expected is not None:
                problems.append(f"{where}: a second expected output for {owner.where}")
            else:
                owner.expected, owner.expected_lineno = fence.body, fence.lineno
                owner.ignore_whitespace = ignore_ws
                output_fences.add(fence.lineno)
            if marks or needs or cont or importorskip:
                problems.append(f"{where}: an expected-output block takes no other marker")
            continue
        if cont:
            owner = blocks[-1] if blocks else None
            if owner is None or language != owner.language:
                problems.append(f"{where}: <!--pytest-codeblocks:cont--> continues no {language} block")
            elif owner.expected is not None:
                problems.append(f"{where}: continues {owner.where}, whose output is already checked: "
                                "put the expected output after the last continuation")
            else:
                owner.code += fence.body
                owner.continuations.append(fence.lineno)
                continued[fence.lineno] = owner.lineno
            if marks or needs or importorskip:
                problems.append(f"{where}: a continuation takes its markers from {owner and owner.where}")
            continue
        if fence.info in RUNNABLE:
            blocks.append(Block(path, fence.lineno, language, fence.body, marks, needs, importorskip))
        elif marks or needs or importorskip:
            problems.append(f"{where}: test markers above a ```{fence.info} block, which never runs")
    problems += _agree_with_pytest_codeblocks(path, blocks)
    return Page(path, fences, blocks, problems, output_fences, continued)


def _without_blank_lines(text: str | None) -> list[str]:
    return [line for line in (text or "").splitlines() if line.strip()]


def _agree_with_pytest_codeblocks(path: Path, blocks: list[Block]) -> list[str]:
    """pytest-codeblocks reads the page too (its own parser, the one its users know): each runnable
    block's code (continuations included) and expected output must be what it reads. It drops blank
    lines inside indented blocks (in an admonition or a tab), so blank lines are not compared; the
    block runs as the page shows it, blank lines included."""
    from pytest_codeblocks.main import extract_from_file

    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    theirs = {b.lineno: b for b in extract_from_file(path) if b.syntax in RUNNABLE}
    problems = []
    for block in blocks:
        found = theirs.pop(block.lineno, None)
        if found is None:
            problems.append(f"{block.where}: pytest-codeblocks does not extract this block")
        elif (_without_blank_lines(found.code) != _without_blank_lines(block.code)
              or _without_blank_lines(found.expected_output) != _without_blank_lines(block.expected)):
            problems.append(f"{block.where}: pytest-codeblocks reads this block (or its expected output) "
                            "differently")
    problems += [f"{shown}:{lineno}: pytest-codeblocks extracts a block the harness does not run"
                 for lineno in theirs]
    return problems


# ---------------------------------------------------------------------------------------------------
# What a block is: the program it runs, whether it only defines, which devices it mentions


def mentions_device(kind: str, text: str) -> bool:
    """Whether code mentions a device at all (`cuda`, `mps`, in any case). A block that never does
    cannot need it."""
    return re.search(rf"(?<![a-z]){kind}(?![a-z])", text, re.I) is not None


def _calls_something(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Call | ast.Await | ast.Yield | ast.YieldFrom) for n in ast.walk(node))


def defined_names(code: str) -> list[str]:
    """The functions and classes a Python block defines at its top level."""
    tree = ast.parse(code)
    return [node.name for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]


def is_definition_only(code: str) -> bool:
    """True for a block that defines functions or classes and does nothing else: imports, defs,
    classes and constants only. Running it runs none of the code it defines."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return False
    defines = False
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defines = True
        elif isinstance(node, ast.Import | ast.ImportFrom | ast.Pass):
            continue
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring
        elif isinstance(node, ast.Assign | ast.AnnAssign) and not _calls_something(node):
            continue  # a constant
        else:
            return False
    return defines


@dataclass(frozen=True)
class Program:
    """Exactly what runs: the script, its name, the files beside it, and where it runs."""

    language: str
    name: str                               # the script's file name
    text: str
    needs: tuple[tuple[str, str], ...] = ()  # (file name, contents) put beside the script
    cwd: str = ""                           # "" = a fresh temporary folder

    @property
    def key(self) -> str:
        digest = hashlib.sha256()
        needs = (part for pair in self.needs for part in pair)
        for part in (self.language, self.name, self.text, self.cwd, *needs):
            digest.update(part.encode("utf-8") + b"\0")
        return digest.hexdigest()


def program_of(block: Block) -> Program:
    """The program a reader runs for this block. Raises SnippetError naming a missing file."""
    code = expand(block.code)
    if block.language != "python":
        return Program(block.language, "example.sh", code, cwd=str(ROOT))
    files = []
    for name in block.needs:
        source = ROOT / name
        if not source.is_file():
            raise SnippetError(f"<!--needs: {name}--> names a file that does not exist")
        files.append((source.name, source.read_text(encoding="utf-8")))
    # A block that shows one whole file runs under that file's name, as `python file.py` would.
    whole = re.fullmatch(r"""\s*-{1,}8<-{1,}\s+["']([^"':]+)["']\s*""", block.code)
    name = Path(whole[1]).name if whole else "example.py"
    if name in {n for n, _ in files}:
        raise SnippetError(f"the block and the file it needs are both called {name}")
    return Program("python", name, code, tuple(files))


def runs_everywhere(block: Block) -> bool:
    """Not skipped and not tied to a device: the block runs on every machine the tests run on."""
    return block.skip_reason() is None and not any(block.has_mark(f"needs_{k}") for k in DEVICES)


def scripts_run_by(pages: list[Path]) -> dict[str, str]:
    """Repository files the pages run as whole scripts on every machine -> the first block that does:
    a ```python block that embeds the whole file, or `python path/to/file.py` in a bash block."""
    found: dict[str, str] = {}
    for path in pages:
        for block in read_page(path).blocks:
            if not runs_everywhere(block):
                continue
            if block.language == "python":
                whole = re.fullmatch(r"""\s*-{1,}8<-{1,}\s+["']([^"':]+)["']\s*""", block.code)
                names = [whole[1]] if whole else []
            else:
                names = re.findall(r"(?m)^\s*python3?\s+(\S+\.py)\b", block.code)
            for name in names:
                found.setdefault(name, block.where)
    return found


# ---------------------------------------------------------------------------------------------------
# Running programs


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False


_RUNNING: set[subprocess.Popen] = set()
_RUNNING_LOCK = threading.Lock()


def run_program(program: Program, timeout: float = BLOCK_TIMEOUT) -> Result:
    folder = Path(tempfile.mkdtemp(prefix="docblock-"))
    try:
        for name, text in program.needs:
            (folder / name).write_text(text, encoding="utf-8")
        script = folder / program.name
        script.write_text(program.text, encoding="utf-8")
        started = time.perf_counter()
        if program.language == "python":  # `python example.py`, forked from a zygote (fresh_python)
            try:
                done = run_script(program.name, cwd=program.cwd or folder, timeout=timeout)
            except subprocess.TimeoutExpired as err:
                return Result(-9, err.stdout or "", err.stderr or "", time.perf_counter() - started,
                              timed_out=True)
            return Result(done.returncode, done.stdout, done.stderr, time.perf_counter() - started)
        # bash and sh: stop at the first failing command, unset variable or failing pipe
        command = ["bash", "-euo", "pipefail", str(script)]
        process = subprocess.Popen(command, cwd=program.cwd or folder, env=reader_environment(),
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, encoding="utf-8",
                                   errors="replace", start_new_session=True)
        with _RUNNING_LOCK:
            _RUNNING.add(process)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            _kill(process)
            stdout, stderr = process.communicate()
            timed_out = True
        finally:
            with _RUNNING_LOCK:
                _RUNNING.discard(process)
        return Result(process.returncode, stdout, stderr, time.perf_counter() - started, timed_out)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _kill(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, 9)


class Runner:
    """Runs programs in the background, each distinct program once."""

    def __init__(self, workers: int):
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="docblock")
        self.futures: dict[str, Future] = {}
        self.blocks: dict[str, list[str]] = {}  # program -> the blocks that run it
        self.lock = threading.Lock()

    def submit(self, program: Program, where: str = "") -> Future:
        with self.lock:
            if program.key not in self.futures:
                self.futures[program.key] = self.pool.submit(run_program, program)
            places = self.blocks.setdefault(program.key, [])
            if where and where not in places:
                places.append(where)
            return self.futures[program.key]

    def slowest(self, count: int) -> list[tuple[float, list[str]]]:
        done = [(future.result().seconds, self.blocks[key]) for key, future in self.futures.items()
                if future.done() and not future.cancelled() and future.exception() is None]
        return sorted(done, reverse=True)[:count]

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        with _RUNNING_LOCK:
            for process in list(_RUNNING):
                _kill(process)
        close_all()  # the zygotes and any program they are running


def default_workers() -> int:
    """DOCBLOCK_WORKERS if set; else one per CPU this process may use."""
    if os.environ.get("DOCBLOCK_WORKERS"):
        return max(1, int(os.environ["DOCBLOCK_WORKERS"]))
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


# ---------------------------------------------------------------------------------------------------
# Checking a result


def final_exception(stderr: str) -> tuple[str, str] | None:
    """(type name, message) of the exception a Python traceback ends with, or None."""
    start = stderr.rfind("Traceback (most recent call last):")
    if start < 0:
        return None
    lines = stderr[start:].splitlines()[1:]
    for index, line in enumerate(lines):
        if line and not line[0].isspace():
            name, _, message = line.partition(":")
            rest = [text for text in lines[index + 1:]]
            return name.strip(), "\n".join([message.strip(), *rest]).strip()
    return None


def _exception_matches(name: str, expected: type[BaseException]) -> bool:
    """Whether the exception class the child named is `expected` or a subclass of it."""
    import builtins
    import importlib

    found = None
    if "." in name:
        module, _, attribute = name.rpartition(".")
        with contextlib.suppress(Exception):
            found = getattr(importlib.import_module(module), attribute)
    else:
        found = getattr(builtins, name, None)
    if isinstance(found, type):
        return issubclass(found, expected)
    return name.rpartition(".")[2] == expected.__name__


def check(block: Block, result: Result, raises: tuple[type[BaseException], str] | None) -> list[str]:
    """What is wrong with a block's run: nothing ([]) when it did what the page says."""
    tail = (f"stdout (end):\n{result.stdout[-1500:]}".rstrip() + "\n" if result.stdout else "") + (
        f"stderr (end):\n{result.stderr[-3000:]}" if result.stderr else "(nothing on stderr)").rstrip()
    if result.timed_out:
        return [f"did not finish within {BLOCK_TIMEOUT} s"]
    problems = []
    if raises is not None:
        expected, pattern = raises
        found = final_exception(result.stderr) if result.returncode != 0 else None
        if found is None:
            problems.append(f"expected {expected.__name__}, but the block "
                            + ("ran without it" if result.returncode == 0 else f"failed otherwise:\n{tail}"))
        elif not _exception_matches(found[0], expected):
            problems.append(f"expected {expected.__name__}, got {found[0]}: {found[1]}")
        elif not re.search(pattern, found[1]):
            problems.append(f"{found[0]} raised, but its message {found[1]!r} does not match {pattern!r}")
    elif result.returncode != 0:
        problems.append(f"exited with {result.returncode}:\n{tail}")
    if block.expected is not None and not problems:
        wanted = block.expected
        if INCLUDE.search(wanted):
            # An embedded output file ends with its own newline; the fence adds none of its own.
            wanted = expand(wanted).rstrip("\n") + "\n"
        got = result.stdout
        if block.ignore_whitespace:
            wanted, got = re.sub(r"\s+", "", wanted), re.sub(r"\s+", "", got)
        if got != wanted:
            import difflib

            diff = "".join(difflib.unified_diff(wanted.splitlines(True), result.stdout.splitlines(True),
                                                "expected (on the page)", "printed"))
            problems.append(f"Expected output differs from what the block printed:\n{diff}")
    return problems


def device_marker_problems(block: Block, code: str) -> list[str]:
    """A device marker on a block that never mentions the device would skip it everywhere else."""
    return [f"{block.where}: marked needs_{kind}, but the block never mentions {kind.upper()}: "
            "it needs no device, remove the marker"
            for kind in DEVICES if block.has_mark(f"needs_{kind}") and not mentions_device(kind, code)]


# ---------------------------------------------------------------------------------------------------
# The pytest plugin


def device_available(kind: str) -> bool:
    import torch

    if kind == "cuda":
        return torch.cuda.is_available()
    return torch.backends.mps.is_available()


def module_missing(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is None
    except (ImportError, ValueError):
        return True


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".md":
        return MarkdownPage.from_parent(parent, path=file_path)
    return None


class MarkdownPage(pytest.File):
    def collect(self):
        page = read_page(self.path)
        for number, problem in enumerate(page.problems, start=1):
            yield PageProblem.from_parent(self, name=f"markup problem {number}", problem=problem)
        for block in page.blocks:
            item = DocBlock.from_parent(self, name=f"line {block.lineno}", block=block)
            for mark in block.marks:
                item.add_marker(eval(mark, {"pytest": pytest, "sys": sys}))
            program = item.program()
            reason = item.skip_reason()  # reported at the page, like a skip marker
            if reason and program is not None and not device_marker_problems(block, program.text):
                item.add_marker(pytest.mark.skip(reason=reason))
            yield item


class PageProblem(pytest.Item):
    def __init__(self, *, problem: str, **kwargs):
        super().__init__(**kwargs)
        self.problem = problem

    def runtest(self):
        pytest.fail(self.problem, pytrace=False)

    def reportinfo(self):
        return self.path, None, self.name


class DocBlock(pytest.Item):
    def __init__(self, *, block: Block, **kwargs):
        super().__init__(**kwargs)
        self.block = block
        self._program: Program | None = None
        self._error: str | None = None

    def reportinfo(self):
        return self.path, self.block.lineno - 1, f"code block at line {self.block.lineno}"

    def program(self) -> Program | None:
        if self._program is None and self._error is None:
            try:
                self._program = program_of(self.block)
            except SnippetError as err:
                self._error = f"{self.block.where}: {err}"
        return self._program

    def skip_reason(self) -> str | None:
        """Why this block does not run here (skip markers are handled by pytest itself)."""
        for kind in DEVICES:
            if self.block.has_mark(f"needs_{kind}") and not device_available(kind):
                return f"needs {kind.upper()}: this machine has no {kind.upper()} device"
        if self.block.importorskip and module_missing(self.block.importorskip):
            return f"needs the module {self.block.importorskip}, which is not installed"
        return None

    def will_run(self) -> bool:
        return (self.get_closest_marker("skip") is None and self.get_closest_marker("skipif") is None
                and self.program() is not None
                and not device_marker_problems(self.block, self._program.text))

    def runtest(self):
        program = self.program()
        if program is None:
            pytest.fail(self._error, pytrace=False)
        if problems := device_marker_problems(self.block, program.text):
            pytest.fail("\n".join(problems), pytrace=False)
        runner = self.config.stash.get(_RUNNER, None)
        future = runner.submit(program, self.block.where) if runner else None
        result = future.result() if future else run_program(program)
        mark = self.get_closest_marker("raises")
        raises = (mark.args[0], mark.kwargs.get("match", "")) if mark else None
        if problems := check(self.block, result, raises):
            pytest.fail(f"{self.block.where} ({program.language}, run as {program.name}): "
                        + "\n".join(problems), pytrace=False)


_RUNNER = pytest.StashKey[Runner]()


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session):
    """Start every block that will run, in the background, before the first test runs."""
    items = [item for item in session.items if isinstance(item, DocBlock)]
    if not items or session.config.option.collectonly:
        return
    runner = Runner(default_workers())
    session.config.stash[_RUNNER] = runner
    # Whole programs first (bash blocks run them: the longest runs), so no long run starts last.
    for item in sorted(items, key=lambda item: item.block.language == "python"):
        if item.will_run():
            runner.submit(item.program(), item.block.where)


def pytest_terminal_summary(terminalreporter, config):
    runner = config.stash.get(_RUNNER, None)
    if runner is None or not runner.futures:
        return
    slowest = runner.slowest(5)
    terminalreporter.write_sep("-", f"doc blocks: {len(runner.futures)} distinct programs run in the "
                               f"background, {runner.pool._max_workers} at a time; the slowest")
    for seconds, places in slowest:
        terminalreporter.write_line(f"{seconds:6.1f}s  {', '.join(places)}")


def pytest_unconfigure(config):
    runner = config.stash.get(_RUNNER, None)
    if runner is not None:
        runner.close()
