"""The audit of every code fence a reader sees: what the doc tests really do with it.

Each runnable fence (```python, ```bash, ```sh; a continuation counts with the block it continues)
falls in exactly one category:

* run with checked output: it runs, and what it prints (or the error it must raise) is compared;
* run: it runs and must exit 0, its output is not compared (timings, machine-specific values);
* defined and tested by ...: it only defines functions or classes (running it runs none of their
  code), and a named test (`<!--pytest.mark.tested_by("tests/test_x.py::test_y")-->`) or a later
  block with checked output calls every one of them;
* device-only: `needs_cuda` / `needs_mps`, run only where that device exists;
* skipped (reason): a skip marker with its reason, or `importorskip` where the module is missing.

Problems fail the tests here: fences pytest would never run (```py, ```python title="x"), skip
markers without a reason, definition-only blocks nobody calls, a tested_by naming a test that does
not exist or does not reach the block's functions, device markers on blocks that need no device,
and printed output that is neither checked nor labelled as a recorded sample.

A recorded sample is a ```text fence after a code block, without the expected-output marker,
whose title says so, the machine and the date: ```text title="Recorded sample: 2-vCPU cloud
instance, no GPU, 2026-11-29"``` (Chinese pages: title="实测记录：..."). Material shows the title
above the block.

`python -m tests.test_fences` prints the categories and their counts.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.docblocks import (
    DEVICES,
    ROOT,
    Block,
    Page,
    SnippetError,
    defined_names,
    device_marker_problems,
    expand,
    is_definition_only,
    module_missing,
    read_page,
)
from tests.pages import page_files

PYTHON_LIKE = {"python", "py", "python3", "py3", "pycon", "ipython", "python-repl"}
SHELL_LIKE = {"bash", "sh", "shell", "console", "zsh", "shell-session", "shellsession"}
RUNNABLE = {"python", "bash", "sh"}
SAMPLE_TITLE = {"zh": "实测记录：", "en": "Recorded sample: "}
_TITLE = re.compile(r"""\btitle=(["'])(.*?)\1""")
_DATE = re.compile(r"\b20\d\d-[01]\d-[0-3]\d\b")

CHECKED, RUN, TESTED, DEVICE, SKIPPED = (
    "run with checked output", "run", "defined and tested by", "device-only", "skipped")
CATEGORIES = (CHECKED, RUN, TESTED, DEVICE, SKIPPED)


@dataclass
class Verdict:
    block: Block
    category: str
    detail: str = ""               # the reason, the tests or the device
    fences: int = 1                # the block's fence and its continuations


@dataclass
class Audit:
    verdicts: list[Verdict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------
# Does a test call a block's functions? Read the test, follow what it refers to.


def _references(node: ast.AST) -> set[str]:
    """Names a piece of code refers to: variables, attributes (`module.name`), arguments, and
    project modules it runs as programs (`"-m", "benchmarks.overheads"`, `"tools/x.py"`), as
    `module:<path>`."""
    found = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.add(child.id)
        elif isinstance(child, ast.Attribute):
            found.add(child.attr)
        elif isinstance(child, ast.arg):
            found.add(child.arg)  # a fixture the test asks for
        elif isinstance(child, ast.Constant) and isinstance(child.value, str) and len(child.value) < 200:
            program = _program_file(child.value)
            if program is not None:
                found.add(f"module:{program}")
    return found


def _program_file(text: str) -> Path | None:
    """The repository file a string names as a program: a dotted module or a path to a .py file."""
    if re.fullmatch(r"[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+", text):
        found = ROOT / Path(*text.split(".")).with_suffix(".py")
        return found if found.is_file() else None
    if text.endswith(".py") and not text.startswith("/"):
        found = ROOT / text
        return found if found.is_file() else None
    return None


def _as_program(path: Path) -> tuple[dict[str, list[ast.AST]], set[str]]:
    """A module run as a program: its top-level definitions, and what its `__main__` part and its
    `main` refer to."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    entry = {"main"}
    for node in tree.body:
        if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test):
            entry |= _references(node)
    return _top_level(tree), entry


def _top_level(tree: ast.Module) -> dict[str, list[ast.AST]]:
    """Each name a module defines at its top level -> the statements that define it."""
    defs: dict[str, list[ast.AST]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defs.setdefault(node.name, []).append(node)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        defs.setdefault(name.id, []).append(node)
    return defs


def _project_module(name: str) -> Path | None:
    """The repository file of an imported module (`iris_recipes`, `snippets.x`, `benchmarks.y`)."""
    relative = Path(*name.split("."))
    for folder in (ROOT, ROOT / "snippets", ROOT / "tools", *sorted((ROOT / "snippets").glob("*/"))):
        if (candidate := folder / relative.with_suffix(".py")).is_file():
            return candidate
    return None


def _imported_modules(tree: ast.Module) -> list[Path]:
    paths = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            paths += [_project_module(alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            paths.append(_project_module(node.module))
            paths += [_project_module(f"{node.module}.{alias.name}") for alias in node.names]
    return [p for p in paths if p is not None]


def _find_test(tree: ast.Module, name: str) -> ast.AST | None:
    scope: list[ast.AST] = list(tree.body)
    *classes, function = name.split("::")
    for cls in classes:
        found = next((n for n in scope if isinstance(n, ast.ClassDef) and n.name == cls), None)
        if found is None:
            return None
        scope = list(found.body)
    return next((n for n in scope if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                 and n.name == function), None)


def reached_by_test(test_id: str) -> tuple[set[str] | None, str]:
    """The names a test refers to, directly or through the project code it calls (its own module's
    helpers, fixtures and constants, tests/conftest.py's fixtures, and the top-level functions,
    classes and constants of the project modules it imports). (None, why) if there is no such test."""
    file, _, name = test_id.partition("::")
    name = re.sub(r"\[.*\]$", "", name)
    path = ROOT / file
    if not file.startswith("tests/") or not path.is_file() or not name:
        return None, f"{test_id}: no such test file (write tests/test_x.py::test_name)"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    test = _find_test(tree, name)
    if test is None:
        return None, f"{test_id}: {file} has no test {name}"
    scopes = [_top_level(tree)]
    conftest = ROOT / "tests" / "conftest.py"
    modules = [*_imported_modules(tree), *([conftest] if conftest.is_file() else [])]
    for module in dict.fromkeys(modules):
        scopes.append(_top_level(ast.parse(module.read_text(encoding="utf-8"))))
    reached, todo = set(), list(_references(test))
    while todo:
        current = todo.pop()
        if current in reached:
            continue
        reached.add(current)
        if current.startswith("module:"):  # a project module run as a program
            module = Path(current.removeprefix("module:"))
            scope, entry = _as_program(module)
            scopes.append(scope)
            for imported in _imported_modules(ast.parse(module.read_text(encoding="utf-8"))):
                scopes.append(_top_level(ast.parse(imported.read_text(encoding="utf-8"))))
            todo += entry - reached
            continue
        for scope in scopes:
            for node in scope.get(current, []):
                todo += _references(node) - reached
    return reached, ""


# ---------------------------------------------------------------------------------------------------
# The audit of one page


def _where(path: Path, lineno: int) -> str:
    return f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{lineno}"


def _fence_problems(page: Page) -> list[str]:
    problems = []
    for fence in page.fences:
        where = _where(page.path, fence.lineno)
        if not fence.info:
            problems.append(f"{where}: fence without a language (write ```text for output)")
            continue
        language = fence.language.lower()
        if language in PYTHON_LIKE | SHELL_LIKE and fence.info not in RUNNABLE:
            problems.append(f"{where}: ```{fence.info} never runs; write exactly ```python, ```bash "
                            "or ```sh (and ```text for output)")
    return problems


def _sample_problems(page: Page) -> list[str]:
    """Printed output after a code block (in the same section: no heading between them) must be
    checked, or labelled a recorded sample."""
    lang = found[1] if (found := re.search(r"\.([a-z]{2})\.md$", page.path.name)) else None
    lines = page.path.read_text(encoding="utf-8").splitlines()
    problems, previous = [], None
    for fence in page.fences:
        between = lines[previous.lineno:fence.lineno - 1] if previous is not None else []
        new_section = any(re.match(r"#{1,6}\s", line) for line in between)
        if fence.language == "text" and previous is not None and previous.info in RUNNABLE \
                and not new_section and fence.lineno not in page.output_fences:
            title = _TITLE.search(fence.info)
            prefix = SAMPLE_TITLE.get(lang or "en", SAMPLE_TITLE["en"])
            label = title[2] if title else ""
            if not (label.startswith(prefix) and _DATE.search(label) and len(label) > len(prefix) + 12):
                problems.append(
                    f"{_where(page.path, fence.lineno)}: output after the code block at line "
                    f"{previous.lineno} is not checked: add <!--pytest-codeblocks:expected-output--> "
                    f"above it, or label it a recorded sample: ```text title=\"{prefix}<machine>, "
                    "<YYYY-MM-DD>\"")
        previous = fence
    return problems


def _later_checked_block_calls(page: Page, block: Block, names: set[str]) -> Block | None:
    for later in page.blocks:
        if later.lineno <= block.lineno or later.language != "python" or later.skip_reason() is not None:
            continue
        if later.expected is None and not later.has_mark("raises"):
            continue
        if any(later.has_mark(f"needs_{kind}") for kind in DEVICES):
            continue
        try:
            if names <= _references(ast.parse(expand(later.code))):
                return later
        except (SyntaxError, SnippetError):
            continue
    return None


def audit_page(path: Path) -> Audit:
    page = read_page(path)
    result = Audit(problems=list(page.problems) + _fence_problems(page) + _sample_problems(page))
    for block in page.blocks:
        fences = 1 + len(block.continuations)
        try:
            code = expand(block.code)
        except SnippetError as err:
            result.problems.append(f"{block.where}: {err}")
            continue
        result.problems += device_marker_problems(block, code)
        if any(name in block.mark_names() for name in ("xfail", "skipif")):
            result.problems.append(f"{block.where}: {block.marks}: a page block either runs, is skipped "
                                   "with skip(reason=...), needs a device, or raises(...) an error")
        reason = block.skip_reason()
        if reason is not None:
            if not reason:
                result.problems.append(f"{block.where}: skip marker without reason=\"...\"")
            result.verdicts.append(Verdict(block, SKIPPED, reason, fences))
            continue
        if block.importorskip and module_missing(block.importorskip):
            result.verdicts.append(Verdict(block, SKIPPED, f"{block.importorskip} not installed", fences))
            continue
        devices = [kind for kind in DEVICES if block.has_mark(f"needs_{kind}")]
        definition_only = block.language == "python" and is_definition_only(code)
        tested = ""
        if block.tested_by():
            names = set(defined_names(code)) if block.language == "python" else set()
            reached_all, found_all = set(), True
            for test_id in block.tested_by():
                reached, why = reached_by_test(test_id)
                if reached is None:
                    result.problems.append(f"{block.where}: tested_by {why}")
                    found_all = False
                    continue
                reached_all |= reached
            missing = sorted(names - reached_all)
            if found_all and missing:
                result.problems.append(f"{block.where}: {', '.join(block.tested_by())} never calls "
                                       f"{missing}, which the block defines")
            if not found_all or missing:
                continue
            tested = ", ".join(block.tested_by())
        elif definition_only:
            names = set(defined_names(code))
            later = _later_checked_block_calls(page, block, names)
            if later is None:
                result.problems.append(
                    f"{block.where}: defines {sorted(names)} and runs none of it; name the test that "
                    "calls it, <!--pytest.mark.tested_by(\"tests/test_x.py::test_name\")-->, or call it "
                    "in a later block whose output is checked")
                continue
            tested = f"the checked block at {later.where}"
        if devices:
            result.verdicts.append(Verdict(block, DEVICE, "/".join(d.upper() for d in devices), fences))
        elif definition_only:
            result.verdicts.append(Verdict(block, TESTED, tested, fences))
        elif block.expected is not None or block.has_mark("raises"):
            result.verdicts.append(Verdict(block, CHECKED, "", fences))
        else:
            result.verdicts.append(Verdict(block, RUN, "", fences))
    return result


def markdown_pages() -> list[Path]:
    return [p for p in page_files() if p.suffix == ".md"]


@pytest.mark.parametrize("path", markdown_pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_fence_runs_checked_or_is_accounted_for(path):
    problems = audit_page(path).problems
    assert not problems, "\n".join(problems)


def test_docs_have_checked_python():
    counts = Counter(v.category for p in markdown_pages() for v in audit_page(p).verdicts)
    assert counts[CHECKED] > 0


def report(pages: list[Path]) -> str:
    """The categories with their counts of fences, and what each non-run fence waits for."""
    audits = {page: audit_page(page) for page in pages}
    fences: Counter[str] = Counter()
    blocks: Counter[str] = Counter()
    details: dict[str, Counter[str]] = {category: Counter() for category in CATEGORIES}
    for audit in audits.values():
        for verdict in audit.verdicts:
            fences[verdict.category] += verdict.fences
            blocks[verdict.category] += 1
            if verdict.category not in (CHECKED, RUN):
                details[verdict.category][verdict.detail] += verdict.fences
    total = sum(fences.values())
    lines = [f"{total} runnable fences on {len(pages)} pages "
             f"({sum(blocks.values())} blocks; a continuation counts with the block it continues):"]
    for category in CATEGORIES:
        lines.append(f"  {fences[category]:4d}  {category}{' …' if category == TESTED else ''}")
        for detail, count in sorted(details[category].items()):
            lines.append(f"          {count:3d}  {detail}")
    problems = [p for audit in audits.values() for p in audit.problems]
    lines.append(f"problems: {len(problems)}")
    lines += [f"  {problem}" for problem in problems]
    return "\n".join(lines)


if __name__ == "__main__":  # `python -m tests.test_fences` prints the report for a release note
    print(report(markdown_pages()))
