"""The doc-test harness and the fence audit must fail where a careless harness stays silent.

Most tests here run single blocks through tests/docblocks.py's own functions (one small process
each); one runs pytest itself on a page, to see what a reader of the test report sees.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docblocks import (
    ROOT,
    SnippetError,
    check,
    expand,
    final_exception,
    is_definition_only,
    parse_needs,
    program_of,
    read_page,
    run_program,
)
from tests.test_fences import CHECKED, DEVICE, RUN, SKIPPED, TESTED, audit_page


def page(tmp_path: Path, text: str, name: str = "page.en.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def outcome(tmp_path: Path, text: str, raises=None) -> list[str]:
    """The problems check() finds after running the page's only block."""
    (block,) = read_page(page(tmp_path, text)).blocks
    return check(block, run_program(program_of(block)), raises)


def double(number):  # called by test_tested_by_target, named by a page in the tests below
    return 2 * number


def test_tested_by_target():
    assert double(2) == 4


# ---------------------------------------------------------------------------------------------------
# Bash blocks


def test_a_failing_command_in_the_middle_of_a_bash_block_fails_it(tmp_path):
    problems = outcome(tmp_path, "```bash\necho one\nfalse\necho three\n```\n")
    assert problems and "exited with 1" in problems[0]


@pytest.mark.parametrize("body", ["echo $NO_SUCH_VARIABLE_HERE", "false | cat"],
                         ids=["unset variable", "failing pipe"])
def test_bash_blocks_run_with_nounset_and_pipefail(tmp_path, body):
    assert outcome(tmp_path, f"```bash\n{body}\necho still running\n```\n")


def test_bash_block_runs_from_the_repository_root_with_nothing_prepended(tmp_path):
    text = ("```bash\npwd\nhead -n 1 \"$0\"\ntest -f snippets/iris_setup.py && echo found\n```\n\n"
            "<!--pytest-codeblocks:expected-output-->\n\n"
            f"```text\n{ROOT}\npwd\nfound\n```\n")
    assert outcome(tmp_path, text) == []


def test_python_in_a_bash_block_is_the_tests_python(tmp_path):
    text = ("```bash\npython -c 'import sys; print(sys.executable)'\n```\n\n"
            f"<!--pytest-codeblocks:expected-output-->\n\n```text\n{sys.executable}\n```\n")
    assert outcome(tmp_path, text) == []


# ---------------------------------------------------------------------------------------------------
# Python blocks: a script in a fresh, empty folder


def test_python_block_runs_as_a_script_with_nothing_prepended(tmp_path):
    text = ("```python\nimport sys\nprint(__name__, sys.argv)\n"
            "print(open(__file__).read().splitlines()[0])\n```\n\n"
            "<!--pytest-codeblocks:expected-output-->\n\n"
            "```text\n__main__ ['example.py']\nimport sys\n```\n")
    assert outcome(tmp_path, text) == []


def test_python_block_folder_holds_exactly_the_needed_files(tmp_path):
    code = "import os\n\nprint(sorted(os.listdir('.')))\nimport adder\n"
    alone = outcome(tmp_path, f"```python\n{code}```\n")
    assert "No module named 'adder'" in alone[0], "a repository file leaked into the block's folder"
    needed = ("<!--needs: snippets/call/adder.py-->\n\n"
              f"```python\n{code}```\n\n<!--pytest-codeblocks:expected-output-->\n\n"
              "```text\n['adder.py', 'example.py']\n```\n")
    assert outcome(tmp_path, needed) == []


def test_needs_line_is_parsed_and_a_missing_file_named():
    assert parse_needs("needs: snippets/a.py  tools/b.py") == ["snippets/a.py", "tools/b.py"]
    assert parse_needs("pytest.mark.skip") is None


def test_needs_a_missing_file_fails_naming_it(tmp_path):
    (block,) = read_page(page(tmp_path, "<!--needs: snippets/gone.py-->\n\n```python\npass\n```\n")).blocks
    with pytest.raises(SnippetError, match=r"snippets/gone\.py"):
        program_of(block)


def test_embedded_whole_file_runs_under_its_name_and_output_is_checked(tmp_path):
    good = ('```python\n--8<-- "snippets/call/adder.py"\n```\n\n'
            '<!--pytest-codeblocks:expected-output-->\n\n```text\n15\n15\n[6, 7, 8]\n```\n')
    assert outcome(tmp_path, good) == []
    problems = outcome(tmp_path, good.replace("[6, 7, 8]", "[6, 7, 9]"))
    assert "Expected output differs" in problems[0] and "-[6, 7, 9]" in problems[0]


def test_continuation_runs_in_the_same_process(tmp_path):
    text = ("```python\nx = 2\n```\n\ntext\n\n<!--pytest-codeblocks:cont-->\n\n"
            "```python\nprint(x * 3)\n```\n\n<!--pytest-codeblocks:expected-output-->\n\n```text\n6\n```\n")
    (block,) = read_page(page(tmp_path, text)).blocks
    assert block.continuations == [9]
    assert outcome(tmp_path, text) == []


def test_raises_marker_checks_the_error_from_the_traceback(tmp_path):
    text = ('<!--pytest.mark.raises(ZeroDivisionError, match="division")-->\n\n'
            "```python\nprint('before')\n1 / 0\n```\n")
    assert outcome(tmp_path, text, (ZeroDivisionError, "division")) == []
    assert outcome(tmp_path, text, (ArithmeticError, "division")) == []  # a subclass is that error
    assert "does not match" in outcome(tmp_path, text, (ZeroDivisionError, "nothing like it"))[0]
    assert "got ZeroDivisionError" in outcome(tmp_path, text, (KeyError, ""))[0]
    assert "ran without it" in outcome(tmp_path, text.replace("1 / 0", "1 / 1"),
                                       (ZeroDivisionError, ""))[0]


def test_final_exception_is_read_from_the_last_traceback():
    stderr = ("Traceback (most recent call last):\n  File \"x.py\", line 1\nKeyError: 'a'\n\n"
              "During handling of the above exception, another exception occurred:\n\n"
              "Traceback (most recent call last):\n  File \"x.py\", line 3, in <module>\n"
              "    raise RuntimeError('two\\nlines')\nRuntimeError: two\nlines\n")
    assert final_exception(stderr) == ("RuntimeError", "two\nlines")
    assert final_exception("no traceback here\n") is None


def test_expand_embeds_the_snippet_file():
    code = expand('--8<-- "snippets/call/adder.py"\n')
    assert "class Adder" in code and "--8<--" not in code


def test_expand_names_a_missing_snippet():
    with pytest.raises(SnippetError, match=r"snippets/no_such_file\.py"):
        expand('--8<-- "snippets/no_such_file.py"\n')


# ---------------------------------------------------------------------------------------------------
# The audit: definition-only blocks, device markers, skips, printed output


def test_definition_only_block_is_not_counted_as_run(tmp_path):
    assert is_definition_only("import math\n\nLIMIT = 3\n\ndef f():\n    return undefined\n")
    assert not is_definition_only("def f():\n    return 1\n\nprint(f())\n")
    assert not is_definition_only("import torch\n")  # nothing defined: it runs what it shows
    result = audit_page(page(tmp_path, "```python\ndef f():\n    return undefined\n```\n"))
    assert not result.verdicts
    assert "defines ['f'] and runs none of it" in result.problems[0]


def test_definition_only_block_called_by_a_later_checked_block(tmp_path):
    text = ("```python\ndef f():\n    return 1\n```\n\n"
            "```python\ndef f():\n    return 1\n\n\nprint(f())\n```\n\n"
            "<!--pytest-codeblocks:expected-output-->\n\n```text\n1\n```\n")
    result = audit_page(page(tmp_path, text))
    assert not result.problems
    assert [(v.category, v.detail) for v in result.verdicts] == [
        (TESTED, f"the checked block at {tmp_path / 'page.en.md'}:6"), (CHECKED, "")]


@pytest.mark.parametrize(("test_id", "problem"), [
    ("tests/test_harness.py::test_tested_by_target", None),
    ("tests/test_harness.py::test_tested_by_target[with-a-parameter]", None),
    ("tests/test_harness.py::test_no_such_test", "has no test test_no_such_test"),
    ("tests/test_no_such_file.py::test_x", "no such test file"),
    ("tests/test_harness.py::test_expand_embeds_the_snippet_file", "never calls ['double']"),
])
def test_tested_by_names_an_existing_test_that_calls_the_functions(tmp_path, test_id, problem):
    text = f'<!--pytest.mark.tested_by("{test_id}")-->\n\n```python\ndef double(x):\n    return 2 * x\n```\n'
    result = audit_page(page(tmp_path, text))
    if problem is None:
        assert not result.problems
        assert [(v.category, v.detail) for v in result.verdicts] == [(TESTED, test_id)]
    else:
        assert len(result.problems) == 1 and problem in result.problems[0], result.problems


def test_device_marker_on_a_block_that_needs_no_device_is_an_error(tmp_path):
    result = audit_page(page(tmp_path, "<!--pytest.mark.needs_cuda-->\n\n```python\nprint(1)\n```\n"))
    assert "never mentions CUDA" in result.problems[0]
    fine = audit_page(page(tmp_path, '<!--pytest.mark.needs_mps-->\n\n```python\nimport torch\n\n'
                                     'print(torch.ones(1, device="mps"))\n```\n'))
    assert not fine.problems and [(v.category, v.detail) for v in fine.verdicts] == [(DEVICE, "MPS")]


def test_importorskip_and_skip_count_as_skipped(tmp_path):
    text = ("<!--pytest-codeblocks:importorskip(no_such_module_anywhere)-->\n\n```python\nimport x\n```\n\n"
            '<!--pytest.mark.skip(reason="too slow")-->\n\n```bash\nsleep 1000\n```\n\n'
            "<!--pytest.mark.skip-->\n\n```bash\nsleep 1000\n```\n\n```bash\ntrue\n```\n")
    result = audit_page(page(tmp_path, text))
    assert [(v.category, v.detail) for v in result.verdicts] == [
        (SKIPPED, "no_such_module_anywhere not installed"), (SKIPPED, "too slow"), (SKIPPED, ""), (RUN, "")]
    assert result.problems == [f"{tmp_path / 'page.en.md'}:15: skip marker without reason=\"...\""]


@pytest.mark.parametrize(("info", "ok"), [
    ("text", False),
    ('text title="Recorded sample: my laptop"', False),                        # no date
    ('text title="Recorded sample: a 2-vCPU cloud instance, no GPU, 2026-11-29"', True),
])
def test_printed_output_is_checked_or_labelled_a_recorded_sample(tmp_path, info, ok):
    text = f"```bash\necho hello\n```\n\nIt printed:\n\n```{info}\nhello\n```\n"
    problems = audit_page(page(tmp_path, text)).problems
    assert (not problems) if ok else "is not checked" in problems[0]
    zh = '```bash\necho hello\n```\n\n```text title="实测记录：2 个 vCPU 的云主机，2026-11-29"\nhello\n```\n'
    assert not audit_page(page(tmp_path, zh, "page.zh.md")).problems


def test_markers_and_fences_the_harness_would_misread(tmp_path):
    text = ('```py\nprint(1)\n```\n\n```python title="x.py"\nprint(2)\n```\n\n```\nbare\n```\n\n'
            "<!--pytest.mark.skip(reason=\"x\")-->\nprose between the marker and its block\n\n"
            "```python\nprint(3)\n```\n\n<!--pytest-codeblocks:skip-->\n\n```python\nprint(4)\n```\n")
    problems = audit_page(page(tmp_path, text)).problems
    assert len(problems) == 5, problems
    assert any("not directly above a code block" in p for p in problems)
    assert any("unknown marker" in p for p in problems)


# ---------------------------------------------------------------------------------------------------
# What pytest reports for a page


def test_pytest_reports_each_block_as_the_page_says(tmp_path):
    text = ("```python\nprint('ok')\n```\n\n<!--pytest-codeblocks:expected-output-->\n\n```text\nok\n```\n\n"
            "```bash\necho one\nfalse\necho three\n```\n\n"
            "<!--pytest.mark.needs_cuda-->\n\n```python\nprint('no device here')\n```\n\n"
            "<!--pytest.mark.needs_mps-->\n\n```python\nimport torch\n\ntorch.ones(1, device='mps')\n```\n\n"
            "<!--pytest-codeblocks:importorskip(no_such_module_anywhere)-->\n\n```python\nimport x\n```\n\n"
            "```python\ndef f():\n    return undefined\n```\n")
    path = page(tmp_path, text)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT),
         "-p", "tests.docblocks", "-p", "no:cacheprovider", "-rA", "-q", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")})
    outcomes = {int(line): word for word, line in re.findall(
        r"^(PASSED|FAILED) \S*::line (\d+)", result.stdout, re.M)}
    skipped = re.findall(r"^SKIPPED \[1\] \S+: (.*)$", result.stdout, re.M)
    mps = "needs MPS: this machine has no MPS device"
    import torch

    assert outcomes[1] == "PASSED" and outcomes[11] == "FAILED" and outcomes[19] == "FAILED", result.stdout
    assert "exited with 1" in result.stdout and "never mentions CUDA" in result.stdout
    assert outcomes.get(37) == "PASSED", "a definition-only block still runs (its imports and definitions)"
    assert "needs the module no_such_module_anywhere" in " ".join(skipped)
    assert torch.backends.mps.is_available() or mps in skipped
    assert result.returncode == 1


# ---------------------------------------------------------------------------------------------------
# A program forked from the zygote is the program a fresh interpreter runs (tests/fresh_python.py)

_PROBE = '''\
import os
import sys
import threading
import time

print("main" if __name__ == "__main__" else __name__, sys.argv[1:], os.getcwd() == os.path.dirname(__file__))
print("torch" in globals(), sys.path[0] == os.path.dirname(__file__), any("tests" in p for p in sys.path))
handle = open("left-open.txt", "w")
handle.write("flushed at exit")
threading.Thread(target=lambda: (time.sleep(0.2), print("thread joined"))).start()
what = sys.argv[1]
if what == "raise":
    raise ValueError("boom")
if what == "exit-text":
    sys.exit("bad input")
if what == "exit-3":
    sys.exit(3)
'''


@pytest.mark.parametrize("how", ["ok", "raise", "exit-text", "exit-3"])
def test_the_zygote_runs_a_script_as_a_fresh_interpreter_does(tmp_path, monkeypatch, how):
    """Same output, same exit status, the same traceback (from the script's own frame), the same files."""
    from tests.fresh_python import run_script

    results = {}
    for fresh in ("1", "0"):
        folder = tmp_path / f"fresh-{fresh}"
        folder.mkdir()
        (folder / "probe.py").write_text(_PROBE, encoding="utf-8")
        monkeypatch.setenv("FRESH_PYTHON", fresh)
        done = run_script("probe.py", how, cwd=folder, timeout=120)
        results[fresh] = (done.returncode, done.stdout, done.stderr.replace(str(folder), "FOLDER"),
                          (folder / "left-open.txt").read_text(encoding="utf-8"))
    assert results["0"] == results["1"]
    assert results["0"][1].splitlines()[:2] == [f"main ['{how}'] True", "False True False"]
    assert results["0"][0] == {"ok": 0, "raise": 1, "exit-text": 1, "exit-3": 3}[how]


@pytest.mark.parametrize("fresh", ["1", "0"])
def test_a_program_past_its_time_is_killed(tmp_path, monkeypatch, fresh):
    from tests.fresh_python import run_script

    monkeypatch.setenv("FRESH_PYTHON", fresh)
    (tmp_path / "slow.py").write_text("import time\nprint('started', flush=True)\ntime.sleep(60)\n")
    with pytest.raises(subprocess.TimeoutExpired) as caught:
        run_script("slow.py", cwd=tmp_path, timeout=1)
    assert caught.value.stdout == "started\n"
