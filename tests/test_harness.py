"""The doc-test harness itself: it must fail loudly where pytest-codeblocks alone stays silent."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.docblocks import SnippetError, expand
from tests.pages import ROOT
from tests.test_fences import audit


def _run_pytest_on(page_text: str, tmp_path) -> subprocess.CompletedProcess:
    page = tmp_path / "page.md"
    page.write_text(page_text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT),
         "-p", "tests.docblocks", "-q", "-p", "no:cacheprovider", str(page)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env=dict(os.environ, PYTHONPATH=str(ROOT)))


def test_expand_embeds_the_snippet_file():
    code = expand('--8<-- "snippets/call/adder.py"\n')
    assert "class Adder" in code and "--8<--" not in code


def test_expand_names_a_missing_snippet():
    with pytest.raises(SnippetError, match=r"snippets/no_such_file\.py"):
        expand('--8<-- "snippets/no_such_file.py"\n')


def test_embedded_main_block_runs_and_output_is_checked(tmp_path):
    good = ('```python\n--8<-- "snippets/call/adder.py"\n```\n\n'
            '<!--pytest-codeblocks:expected-output-->\n\n```text\n15\n15\n[6, 7, 8]\n```\n')
    assert _run_pytest_on(good, tmp_path).returncode == 0
    wrong = good.replace("[6, 7, 8]", "[6, 7, 9]")
    result = _run_pytest_on(wrong, tmp_path)
    assert result.returncode == 1 and "Expected output" in result.stdout


def test_missing_snippet_fails_one_test_naming_the_file(tmp_path):
    result = _run_pytest_on('```python\n--8<-- "snippets/gone.py"\n```\n', tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr  # 1 = a test failed, not 3 = crash
    assert "snippets/gone.py" in result.stdout


def test_raises_marker_checks_the_error(tmp_path):
    page = ('<!--pytest.mark.raises(ZeroDivisionError, match="division")-->\n\n'
            "```python\n1 / 0\n```\n")
    assert _run_pytest_on(page, tmp_path).returncode == 0
    assert _run_pytest_on(page.replace("1 / 0", "1 / 1"), tmp_path).returncode == 1


def test_audit_flags_fences_pytest_codeblocks_would_skip(tmp_path):
    page = tmp_path / "p.md"
    page.write_text('```py\nprint(1)\n```\n\n```python title="x.py"\nprint(2)\n```\n\n'
                    '<!--pytest.mark.skip-->\n\n```python\nprint(3)\n```\n\n```\nbare\n```\n',
                    encoding="utf-8")
    _, _, problems = audit(page)
    assert len(problems) == 4, problems
