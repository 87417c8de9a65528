"""Both languages have the same pages, embed the same snippets and show the same checked output."""

from __future__ import annotations

import re

import pytest

from tests.docblocks import read_page
from tests.pages import DOCS, LANGUAGES, fences, page_variants

VARIANTS = page_variants()
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
HEADING_ID = re.compile(r"\{\s*#([\w-]+)\s*\}$")
TITLE = re.compile(r"""\s*\btitle=(["']).*?\1""")  # a fence's title is prose, written in each language
# Language-specific names that are expected to differ between the two pages of a pair.
_ANY = "|".join(LANGUAGES)
_LANGUAGE_TOKENS = [
    (re.compile(rf"(--lang[ =])({_ANY})\b"), r"\1<lang>"),
    (re.compile(rf"""(lang=["'])({_ANY})(["'])"""), r"\1<lang>\3"),
    (re.compile(rf"\.({_ANY})\.(md|txt|json|ipynb|svg|png)\b"), r".<lang>.\2"),
]


def normalise(text: str) -> str:
    for pattern, replacement in _LANGUAGE_TOKENS:
        text = pattern.sub(replacement, text)
    return text


def _md_pairs():
    for base, files in sorted(VARIANTS.items()):
        if base.endswith(".md") and all(lang in files for lang in LANGUAGES):
            yield pytest.param(files, id=base)


@pytest.mark.parametrize("base", sorted(VARIANTS))
def test_page_exists_in_every_language(base):
    files = VARIANTS[base]
    missing = [lang for lang in LANGUAGES if lang not in files]
    assert None not in files, f"docs/{base} has no language suffix (write page.zh.md / page.en.md)"
    beside = next(iter(files.values())).relative_to(DOCS.parent)
    assert not missing, f"docs/{base} has no {missing} version (expected beside {beside})"


@pytest.mark.parametrize("files", list(_md_pairs()))
def test_same_code_and_outputs(files):
    """Every fence (code and expected output) is the same in both languages, in the same order."""
    reference, *others = LANGUAGES
    expected = [(TITLE.sub("", f.info), normalise(f.body)) for f in fences(files[reference])]
    for lang in others:
        actual = [(TITLE.sub("", f.info), normalise(f.body)) for f in fences(files[lang])]
        assert actual == expected, (
            f"{files[lang].name} and {files[reference].name} differ in their code or output blocks")


@pytest.mark.parametrize("files", list(_md_pairs()))
def test_same_test_markers(files):
    """The same markers, needed files and continuations on every block, and the same outputs checked."""
    def markers(path):
        return [(b.marks, b.needs, b.importorskip, len(b.continuations), b.expected is not None)
                for b in read_page(path).blocks]

    reference, *others = LANGUAGES
    marks = markers(files[reference])
    for lang in others:
        assert markers(files[lang]) == marks, (
            f"{files[lang].name}: test markers differ from {files[reference].name}")


def _heading_ids(path):
    ids, inside_fence = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            inside_fence = not inside_fence
        match = None if inside_fence else HEADING.match(line)
        if match:
            found = HEADING_ID.search(match[2])
            ids.append((len(match[1]), found[1] if found else f"<no id: {match[2]}>"))
    return ids


@pytest.mark.parametrize("files", list(_md_pairs()))
def test_same_heading_ids(files):
    """Headings carry explicit ids ({ #id }), identical in every language, so links and anchors match."""
    reference, *others = LANGUAGES
    ids = _heading_ids(files[reference])
    missing = [text for _, text in ids if text.startswith("<no id")]
    assert not missing, f"{files[reference].name}: headings without {{ #id }}: {missing}"
    for lang in others:
        assert _heading_ids(files[lang]) == ids, f"{files[lang].name}: heading ids differ"
