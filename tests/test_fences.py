"""Every code fence a reader sees is either run by the doc tests or skipped with a visible reason.

pytest-codeblocks collects only fences whose info string is exactly `python`, `bash` or `sh`;
anything else (```py, ```python title="x.py", ```shell) would silently never run.
"""

from __future__ import annotations

import re

import pytest
from pytest_codeblocks.main import extract_from_file

from tests.pages import ROOT, fences, page_files

RUNNABLE = {"python", "bash", "sh"}
PYTHON_LIKE = {"python", "py", "python3", "py3", "pycon", "ipython", "python-repl"}
SHELL_LIKE = {"bash", "sh", "shell", "console", "zsh", "shell-session", "shellsession"}
SKIP_MARK = re.compile(r"^pytest\.mark\.(skip|skipif|xfail)\b")


def _continued_fences(path) -> set[int]:
    """Lines of fences marked <!--pytest-codeblocks:cont--> (pytest-codeblocks appends them to the
    block before, e.g. the cells of a notebook page)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = set()
    for number, line in enumerate(lines, start=1):
        if line.strip() != "<!--pytest-codeblocks:cont-->":
            continue
        following = next((n for n in range(number, len(lines)) if lines[n].strip()), None)
        if following is not None and lines[following].lstrip().startswith(("```", "~~~")):
            found.add(following + 1)
    return found


def audit(path):
    """(run, skipped, problems) for one page; skipped holds (line, reason)."""
    blocks = {block.lineno: block for block in extract_from_file(path)}
    continued = _continued_fences(path)
    run, skipped, problems = [], [], []
    for fence in fences(path):
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        where = f"{shown}:{fence.lineno}"
        if not fence.info:
            problems.append(f"{where}: fence without a language (write ```text for output)")
            continue
        language = fence.language.lower()
        if language not in PYTHON_LIKE | SHELL_LIKE:
            continue
        if fence.info not in RUNNABLE:
            problems.append(f"{where}: ```{fence.info} is not collected by pytest-codeblocks; "
                            f"write exactly ```python, ```bash or ```sh")
            continue
        block = blocks.get(fence.lineno)
        if block is None and fence.lineno in continued:
            run.append(fence)  # <!--pytest-codeblocks:cont-->: runs as part of the block before it
            continue
        if block is None:
            problems.append(f"{where}: fence is not collected (inside an unsupported container?)")
            continue
        skip_marks = [mark for mark in block.marks if SKIP_MARK.match(mark)]
        if any("reason=" not in mark for mark in skip_marks):
            problems.append(f"{where}: skip marker without reason=\"...\": {skip_marks}")
        if skip_marks:
            skipped.append((fence, skip_marks[0]))
        else:
            run.append(fence)
    return run, skipped, problems


@pytest.mark.parametrize("path", page_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_fence_runs_or_is_skipped_with_a_reason(path):
    if path.suffix != ".md":
        pytest.skip("notebook pages are checked by their own tests")
    _, _, problems = audit(path)
    assert not problems, "\n".join(problems)


def test_docs_have_runnable_python():
    counts = [audit(p)[0] for p in page_files() if p.suffix == ".md"]
    assert sum(map(len, counts)) > 0


if __name__ == "__main__":  # `python -m tests.test_fences` prints the counts for a release note
    from collections import Counter

    ran, skips, needs = Counter(), Counter(), Counter()
    for page in (p for p in page_files() if p.suffix == ".md"):
        run, skipped, _ = audit(page)
        conditional = {b.lineno for b in extract_from_file(page)
                       if any(m.startswith("pytest.mark.needs_") for m in b.marks)}
        ran.update(fence.info for fence in run if fence.lineno not in conditional)
        needs.update(fence.info for fence in run if fence.lineno in conditional)
        skips.update(fence.info for fence, _ in skipped)
        for fence, mark in skipped:
            print(f"skipped {page.relative_to(ROOT)}:{fence.lineno} ({fence.info}): {mark}")
    for language in sorted(set(ran) | set(skips)):
        total = ran[language] + skips[language] + needs[language]
        print(f"{language}: {total} fences; {ran[language]} always run, {needs[language]} run only "
              f"where CUDA/MPS exists (needs_cuda/needs_mps), {skips[language]} always skipped")
