"""The glossary is the single source of the Chinese terms: no page uses a variant it lists as avoided.

docs/glossary.zh.md has a column 不写作 (variants to avoid, separated by 、). Every Chinese page, every
generated Chinese table and every recorded Chinese program output is searched for them, leaving out
code (fences and inline code) and quotations in Chinese quotation marks, where a page may cite a
wrong term in order to correct it.
"""

from __future__ import annotations

import re

import pytest

from tests.pages import DOCS, ROOT

GLOSSARY = DOCS / "glossary.zh.md"
CHINESE_TEXTS = [
    *sorted(p for p in DOCS.glob("*.zh.md") if p != GLOSSARY),
    *sorted((ROOT / "results" / "tables").glob("*.zh.md")),
    *sorted(ROOT.glob("results/*.zh.txt")),
    *sorted(ROOT.glob("snippets/**/*.zh.txt")),
]


def glossary_rows() -> list[dict[str, str]]:
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in ("术语", "---") and not set(cells[0]) <= {"-"}:
            rows.append(dict(zip(("term", "english", "explanation", "avoid"), cells, strict=True)))
    return rows


def avoided() -> dict[str, str]:
    """Each variant to avoid -> the glossary term to use instead."""
    return {variant.strip(): row["term"] for row in glossary_rows()
            for variant in row["avoid"].split("、") if variant.strip()}


def prose(text: str) -> str:
    """The text without fenced code, inline code and Chinese quotations (kept line by line)."""
    text = re.sub(r"^(```|~~~).*?^\1", lambda m: "\n" * m[0].count("\n"), text, flags=re.M | re.S)
    text = re.sub(r"`[^`\n]*`", "", text)
    return re.sub(r"“[^”\n]*”", "", text)


def test_glossary_explains_every_term():
    rows = glossary_rows()
    assert len(rows) >= 40
    for row in rows:
        assert row["english"] and len(row["explanation"]) >= 10, row["term"]


def test_glossary_avoids_no_term_it_recommends():
    terms = {part.strip() for row in glossary_rows() for part in row["term"].split("/")}
    assert not terms & set(avoided())


def test_the_english_glossary_has_the_same_terms():
    english = (DOCS / "glossary.en.md").read_text(encoding="utf-8")
    missing = [row["term"] for row in glossary_rows() if f"| {row['term']} |" not in english]
    assert not missing, f"docs/glossary.en.md lacks {missing}"


@pytest.mark.parametrize("path", CHINESE_TEXTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_chinese_text_uses_the_glossary_terms(path):
    variants = avoided()
    found = []
    for number, line in enumerate(prose(path.read_text(encoding="utf-8")).splitlines(), 1):
        found += [f"line {number}: {v} → {variants[v]}" for v in variants if v in line]
    assert not found, f"{path.relative_to(ROOT)} uses variants the glossary avoids:\n" + "\n".join(found)
