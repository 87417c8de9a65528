"""Every snippet is a program a reader can run on its own, and every one is shown on a page."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.docblocks import included_files, scripts_run_by
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
    env = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="Agg")
    result = subprocess.run([sys.executable, str(script.relative_to(ROOT))], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (
        f"`python {_id(script)}` exited with {result.returncode}:\n{result.stderr[-3000:]}")


@pytest.mark.parametrize("script", SCRIPTS, ids=_id)
def test_snippet_is_embedded_by_a_page(script):
    assert _id(script) in _embedded_files(), (
        f"{_id(script)} is not embedded by any page in docs/ (--8<-- \"{_id(script)}\")")


def test_every_embedded_file_exists():
    missing = sorted(name for name in _embedded_files() if not (ROOT / name).is_file())
    assert not missing, f"pages embed files that do not exist: {missing}"
