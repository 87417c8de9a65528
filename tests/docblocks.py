"""Run every ```python block in docs/ as the reader sees it.

pytest-codeblocks collects the blocks; this plugin closes three gaps in it:

* A block that embeds a file (``--8<-- "snippets/x.py"``) runs the embedded code. The lines are
  expanded by pymdownx.snippets' own preprocessor, configured from mkdocs.yml, so the test runs
  exactly what the built page shows. Expected-output blocks are expanded the same way.
* ``if __name__ == "__main__":`` parts run, as they do when a reader runs the file as a script.
  ``sys.argv`` is the script's name alone, so command-line parsing sees no pytest options.
* Markers: ``<!--pytest.mark.needs_cuda-->`` / ``needs_mps`` skip with a visible reason where the
  device is missing; ``<!--pytest.mark.raises(RuntimeError, match="...")-->`` expects that error.

A missing snippet file fails its own test, naming the page, the line and the file.
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path

import pytest
from pytest_codeblocks.plugin import TestBlock

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
INCLUDE = re.compile(r"""^\s*-{1,}8<-{1,}\s+["']([^"']+)["']\s*$""", re.M)


class SnippetError(Exception):
    """An embedded file could not be read."""


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


def _device_available(kind: str) -> bool:
    import torch

    if kind == "cuda":
        return torch.cuda.is_available()
    return torch.backends.mps.is_available()


def _run_as_reader(item: TestBlock, original_runtest) -> None:
    block = item.obj
    shown = item.path.relative_to(ROOT) if item.path.is_relative_to(ROOT) else item.path
    where = f"{shown}, line {block.lineno}"
    try:
        code = expand(block.code)
        if block.expected_output is not None and INCLUDE.search(block.expected_output):
            # An embedded output file ends with its own newline; the fence adds none of its own.
            block.expected_output = expand(block.expected_output).rstrip("\n") + "\n"
    except Exception as err:  # a missing or unreadable snippet: say which one
        pytest.fail(f"{where}: {err}", pytrace=False)
    # Assigning __name__ first makes `if __name__ == "__main__":` run, as in `python file.py`.
    block.code = '__name__ = "__main__"\n' + code
    embedded = included_files(item.obj_source)
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [embedded[0] if embedded else "docs-block.py"]
    # A program that imports a sibling file (`from iris_setup import ...`) finds it, as it does
    # when run from its own folder.
    for name in embedded:
        sys.path.insert(0, str((ROOT / name).parent))
    try:
        raises = item.get_closest_marker("raises")
        if raises is None:
            original_runtest()
            return
        expected, pattern = raises.args[0], raises.kwargs.get("match", "")
        try:
            original_runtest()
        except RuntimeError as err:  # pytest-codeblocks wraps whatever the block raised
            cause = err.__context__
            if not isinstance(cause, expected):
                raise
            if not re.search(pattern, str(cause)):
                pytest.fail(f"{where}: {expected.__name__} raised, but its message "
                            f"{str(cause)!r} does not match {pattern!r}", pytrace=False)
            return
        pytest.fail(f"{where}: expected {expected.__name__}, but the block ran without it",
                    pytrace=False)
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path


def pytest_collection_modifyitems(session, config, items):
    for item in items:
        if not isinstance(item, TestBlock):
            continue
        item.obj_source = item.obj.code
        for kind in ("cuda", "mps"):
            if item.get_closest_marker(f"needs_{kind}") and not _device_available(kind):
                item.add_marker(pytest.mark.skip(
                    reason=f"needs {kind.upper()}: this machine has no {kind.upper()} device"))
        item.runtest = functools.partial(_run_as_reader, item, item.runtest)
