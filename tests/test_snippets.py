"""Every snippet is a program a reader can run on its own, and every one is shown on a page.

And the layout holds: snippets/ and tools/ never import benchmarks/, a snippet that benchmarks/
imports imports no sibling file at module level, and nothing edits sys.path.
"""

from __future__ import annotations

import ast

import pytest

from tests.docblocks import included_files, scripts_run_by
from tests.fresh_python import run_script
from tests.pages import ROOT, SNIPPETS, page_files

SCRIPTS = sorted(SNIPPETS.rglob("*.py"))
# A script a page runs whole (on every machine) is already run by the doc tests, as a reader runs it.
RUN_BY_PAGES = scripts_run_by(page_files())
NOT_RUN_BY_PAGES = [path for path in SCRIPTS if str(path.relative_to(ROOT)) not in RUN_BY_PAGES]


def _embedded_files() -> set[str]:
    names = set()
    for page in page_files():
        names.update(included_files(page.read_text(encoding="utf-8")))
    return names


def _id(path):
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("script", NOT_RUN_BY_PAGES, ids=_id)
def test_snippet_runs_as_a_script(script):
    result = run_script(script.relative_to(ROOT), cwd=ROOT)
    assert result.returncode == 0, (
        f"`python {_id(script)}` exited with {result.returncode}:\n{result.stderr[-3000:]}")


@pytest.mark.parametrize("script", SCRIPTS, ids=_id)
def test_snippet_is_embedded_by_a_page(script):
    assert _id(script) in _embedded_files(), (
        f"{_id(script)} is not embedded by any page in docs/ (--8<-- \"{_id(script)}\")")


def test_every_embedded_file_exists():
    missing = sorted(name for name in _embedded_files() if not (ROOT / name).is_file())
    assert not missing, f"pages embed files that do not exist: {missing}"


LAYOUT = [p for folder in ("snippets", "tools", "benchmarks") for p in sorted((ROOT / folder).rglob("*.py"))]


def _module_imports(path) -> list[tuple[str, bool]]:
    """(module, at module level?) for every import statement of a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = set(map(id, tree.body))
    found = []
    for node in ast.walk(tree):
        names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                 else [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level
                 else [])
        found += [(name, id(node) in top) for name in names]
    return found


@pytest.mark.parametrize("path", LAYOUT, ids=_id)
def test_no_sys_path_edits(path):
    text = path.read_text(encoding="utf-8")
    assert "sys.path" not in text, f"{_id(path)} edits sys.path: import by the real path (python -m ...)"


@pytest.mark.parametrize("path", [p for p in LAYOUT if not _id(p).startswith("benchmarks")], ids=_id)
def test_snippets_and_tools_never_import_benchmarks(path):
    bad = [name for name, _ in _module_imports(path) if name.split(".")[0] == "benchmarks"]
    assert not bad, f"{_id(path)} imports {bad}: the measuring machinery imports lessons, not the reverse"


def test_what_benchmarks_import_imports_no_sibling_at_module_level():
    """`import snippets.x` works only if x imports installed packages at module level (no sys.path)."""
    imported = {name for path in LAYOUT if _id(path).startswith("benchmarks")
                for name, _ in _module_imports(path) if name.startswith(("snippets.", "tools."))}
    assert imported, "benchmarks/ imports no lesson at all?"
    problems = []
    for module in sorted(imported):
        path = ROOT / (module.replace(".", "/") + ".py")
        siblings = {p.stem for p in path.parent.glob("*.py")}
        problems += [f"{module} imports {name} at module level" for name, top in _module_imports(path)
                     if top and name.split(".")[0] in siblings]
    assert not problems, "\n".join(problems)
